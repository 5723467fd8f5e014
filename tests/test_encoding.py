"""Label alignment: the first sub-word of each word carries the word's label, everything else -100."""

from datasets import Dataset

from panx_ner.encoding import align_labels, encode_split
from panx_ner.tags import PANX


def test_align_labels_hand_worked():
    # "Jeff Dean ist in Kalifornien" with XLM-R's tokenizer: ▁Jeff ▁De an ▁ist ▁in ▁Kaliforni en
    word_ids = [None, 0, 1, 1, 2, 3, 4, 4, None]
    word_labels = [PANX.tag2id["B-PER"], PANX.tag2id["I-PER"], PANX.tag2id["O"], PANX.tag2id["O"], PANX.tag2id["B-LOC"]]
    assert align_labels(word_ids, word_labels) == [-100, 1, 2, -100, 0, 0, 5, -100, -100]


def test_encode_split_labels_first_sub_word_of_each_word(tiny_model):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    words = ["Schmidtbergerhausen", "wohnt", "in", "Kalifornienstadt"]
    tags = [PANX.tag2id["B-PER"], PANX.tag2id["O"], PANX.tag2id["O"], PANX.tag2id["B-LOC"]]
    pieces_per_word = [len(tokenizer.tokenize(word)) for word in words]
    assert pieces_per_word[0] > 1 and pieces_per_word[3] > 1  # the example really splits words
    dataset = Dataset.from_dict({"tokens": [words], "ner_tags": [tags], "langs": [["de"] * 4]}, features=PANX.features())
    row = encode_split(dataset, tokenizer, max_length=64)[0]
    expected = [-100]
    for tag, pieces in zip(tags, pieces_per_word):
        expected += [tag] + [-100] * (pieces - 1)
    expected += [-100]
    assert row["labels"] == expected
    assert len(row["input_ids"]) == len(row["attention_mask"]) == len(expected)
    assert row["num_words_truncated"] == 0


def test_encode_split_truncates_and_counts_lost_words(tiny_model):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    words = ["Berlin"] * 30
    dataset = Dataset.from_dict({"tokens": [words], "ner_tags": [[5] * 30], "langs": [["de"] * 30]},
                                features=PANX.features())
    row = encode_split(dataset, tokenizer, max_length=12)[0]
    assert len(row["input_ids"]) == 12
    # <s> and </s> leave 10 positions; "Berlin" is a piece or more, so at most 10 words are kept
    kept_words = sum(1 for label in row["labels"] if label != -100)
    assert row["num_words_truncated"] == 30 - kept_words >= 20
