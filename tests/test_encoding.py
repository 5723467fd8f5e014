"""Label alignment: the first sub-word of each word carries the word's label, everything else -100."""

from datasets import Dataset

from panx_ner.encoding import NO_WORD, align_labels, encode_split
from panx_ner.tags import RAW_FEATURES, TAG2ID


def test_align_labels_hand_worked():
    # "Jeff Dean ist in Kalifornien" with XLM-R's tokenizer: ▁Jeff ▁De an ▁ist ▁in ▁Kaliforni en
    word_ids = [None, 0, 1, 1, 2, 3, 4, 4, None]
    word_labels = [TAG2ID["B-PER"], TAG2ID["I-PER"], TAG2ID["O"], TAG2ID["O"], TAG2ID["B-LOC"]]
    assert align_labels(word_ids, word_labels) == [-100, 1, 2, -100, 0, 0, 5, -100, -100]


def test_align_labels_accepts_stored_no_word_marker():
    assert align_labels([NO_WORD, 0, 0, 1, NO_WORD], [3, 4]) == [-100, 3, -100, 4, -100]


def test_encode_split_labels_first_sub_word_of_each_word(tiny_model):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    words = ["Schmidtbergerhausen", "wohnt", "in", "Kalifornienstadt"]
    tags = [TAG2ID["B-PER"], TAG2ID["O"], TAG2ID["O"], TAG2ID["B-LOC"]]
    pieces_per_word = [len(tokenizer.tokenize(word)) for word in words]
    assert pieces_per_word[0] > 1 and pieces_per_word[3] > 1  # the example really splits words
    dataset = Dataset.from_dict({"tokens": [words], "ner_tags": [tags], "langs": [["de"] * 4]}, features=RAW_FEATURES)
    row = encode_split(dataset, tokenizer, max_length=64)[0]
    expected = [-100]
    for tag, pieces in zip(tags, pieces_per_word):
        expected += [tag] + [-100] * (pieces - 1)
    expected += [-100]
    assert row["labels"] == expected
    assert row["word_ids"] == [NO_WORD] + [w for w, n in enumerate(pieces_per_word) for _ in range(n)] + [NO_WORD]
    assert len(row["input_ids"]) == len(row["attention_mask"]) == len(expected)
    assert row["num_words_truncated"] == 0


def test_encode_split_truncates_and_counts_lost_words(tiny_model):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    words = ["Berlin"] * 30
    dataset = Dataset.from_dict({"tokens": [words], "ner_tags": [[5] * 30], "langs": [["de"] * 30]},
                                features=RAW_FEATURES)
    row = encode_split(dataset, tokenizer, max_length=12)[0]
    assert len(row["input_ids"]) == 12
    kept_words = len({w for w in row["word_ids"] if w != NO_WORD})
    assert row["num_words_truncated"] == 30 - kept_words > 0
