"""README.md and docs/ tell the truth about the project: every relative link and #anchor resolves, every
`python -m <module>` names a module that exists, every `dvc <command> <stage>` a stage or output that exists, every
params key a key of params.yaml; the README's quick start runs what CI runs. Each check also fails on a broken
example (the tests at the end), so a passing check means something."""

import importlib.util
import json
import re
import subprocess
from functools import cache
from pathlib import Path

import pytest
import yaml

from tests.tiny import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), REPO / "benchmarks" / "README.md"]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
CODE = re.compile(r"`([^`\n]+)`|```[a-z]*\n(.*?)```", re.S)
SECTIONS = ("dataset", "languages", "zero_shot_languages", "sample", "model", "strategies", "train", "learning_curve",
            "evaluate", "error_report", "examples", "release")
# a dotted key; not one preceded by `+`, which `dvc exp run -S '+section.key=…'` adds
PARAMS_KEY = re.compile(rf"(?<![\w./+-])({'|'.join(SECTIONS)})((?:\.[A-Za-z0-9_-]+)+)")
STAGE_COMMANDS = ("repro", "checkout", "status", "commit")
FILE_SUFFIXES = {"safetensors", "json", "yaml", "md", "csv", "parquet", "txt", "bin", "png", "tsv"}


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    return {slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}


def broken_links(page: Path, text: str) -> list[str]:
    problems = []
    for target in LINK.findall(re.sub(r"```.*?```", "", text, flags=re.S)):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            problems.append(f"{page.name}: link to {target}: {file} does not exist")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            problems.append(f"{page.name}: link to {target}: no heading #{anchor} in {file.name}")
    return problems


def code(text: str) -> list[str]:
    """Every inline code span and code block line."""
    found = []
    for inline, block in CODE.findall(text):
        found += [inline] if inline else block.splitlines()
    return found


def missing_modules(text: str) -> list[str]:
    problems = []
    for line in code(text):
        for module in re.findall(r"python3? -m ([\w.]+)", line):
            local = REPO / (module.replace(".", "/") + ".py")
            if not local.is_file() and importlib.util.find_spec(module.split(".")[0]) is None:
                problems.append(f"python -m {module}: no such module")
            elif not local.is_file() and module.split(".")[0] in ("panx_ner", "stages"):
                problems.append(f"python -m {module}: no such module")
    return problems


@cache
def stages_and_outputs() -> tuple[set[str], set[str]]:
    listed = subprocess.run(["dvc", "stage", "list"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    names, outputs = set(), set()
    for line in listed.splitlines():
        name, _, described = line.partition(" ")
        names |= {name, name.split("@")[0]}  # a foreach/matrix group is a target too
        outputs |= set(re.findall(r"[\w./-]+", described.replace("Outputs", "").replace("Reports", "")))
    return names, outputs


def missing_stages(text: str) -> list[str]:
    names, outputs = stages_and_outputs()
    problems = []
    for line in code(text):
        line = re.sub(r"\s#.*", "", line)  # a shell comment is prose: "dvc repro runs nothing"
        line = re.sub(r"\[[^\]]*\]", "", line)  # optional arguments: `dvc repro [STAGE ...]`
        for command, arguments in re.findall(rf"dvc ({'|'.join(STAGE_COMMANDS)})((?: +[^-\s|&;#>][^\s|&;#>]*)+)", line):
            for target in arguments.split():
                if target.startswith(("<", "$")):  # a placeholder, as in `dvc checkout <stage>`
                    continue
                known = target in names or any(output == target or output.startswith(target.rstrip("/") + "/")
                                               for output in outputs)
                if not known:
                    problems.append(f"dvc {command} {target}: no such stage or output")
    return problems


def missing_params(text: str) -> list[str]:
    tree = yaml.safe_load((REPO / "params.yaml").read_text())
    problems = []
    for line in code(text):
        if "unknown key" in line:  # an error message quoting a key that does not exist, on purpose
            continue
        for section, rest in PARAMS_KEY.findall(line):
            if rest.rsplit(".", 1)[-1] in FILE_SUFFIXES:  # a file name, as model.safetensors
                continue
            node, path = tree, [section, *rest.strip(".").split(".")]
            for depth, part in enumerate(path):
                if isinstance(node, dict) and part in node:
                    node = node[part]
                elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                    node = node[int(part)]
                else:
                    if depth and isinstance(node, dict) and section in ("languages", "zero_shot_languages",
                                                                        "strategies", "examples") and depth == 1:
                        break  # `languages.el`: a key of a free mapping, as `-S` would add it
                    problems.append(f"{'.'.join(path)}: not a key of params.yaml")
                    break
    return problems


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(REPO)))
def test_links_modules_stages_and_params_keys_exist(page):
    text = page.read_text()
    assert broken_links(page, text) == []
    assert missing_modules(text) == []
    assert missing_stages(text) == []
    assert missing_params(text) == []


def test_the_readme_is_short_and_its_quick_start_is_what_ci_runs():
    readme = (REPO / "README.md").read_text()
    assert len(readme.splitlines()) <= 220 and len(readme.encode()) <= 14 * 1024
    ci = [line for line in (REPO / ".ci" / "run").read_text().splitlines() if line.startswith("python -m")]
    assert ci == ["python -m pip install -r requirements.txt", "python -m pytest"]
    blocks = "\n".join(code(readme))
    for command in (*ci, "dvc repro", "python -m panx_ner.parallel_repro", "dvc metrics show", "cat metrics/f1.md"):
        assert command in blocks, command
    for page in ("docs/" + path.name for path in sorted((REPO / "docs").glob("*.md"))):
        assert f"]({page})" in readme, f"README.md has no line for {page}"


def test_readme_and_docs_tell_what_holds_not_how_it_came_about():
    for page in PAGES:
        text = page.read_text()
        assert not re.search(r"\b(commit|at) [0-9a-f]{7,40}\b", text), page
        assert "earlier machine" not in text and "/work/" not in text and "/tmp/" not in text, page


def book_table_cells(text: str) -> dict[tuple[str, str], float]:
    """{(row, language): this run's F1} from a markdown table headed `trained on \\ tested on | de | fr | it | en`,
    each cell this run's number first (the book's may follow in parentheses)."""
    cells, header = {}, None
    for line in text.splitlines():
        parts = [part.strip() for part in line.strip().strip("|").split("|")]
        if parts and parts[0].startswith("trained on"):
            header = parts[1:]
        elif header and parts and parts[0] in ("de", "each", "de-fr", "all"):
            for language, value in zip(header, parts[1:]):
                if language in ("de", "fr", "it", "en"):
                    cells[parts[0], language] = float(re.match(r"[-\d.]+", value.strip("* ")).group())
        elif not line.startswith("|"):
            header = None
    return cells


def stale_results(text: str, f1: dict) -> list[str]:
    return [f"{row} on {language}: {value} in the page, {f1[language if row == 'each' else row][language]['mean']} in "
            f"metrics/f1.json" for (row, language), value in book_table_cells(text).items()
            if value != f1[language if row == "each" else row][language]["mean"]]


@pytest.mark.parametrize("page", ["README.md", "docs/results.md"])
def test_the_book_tables_show_the_committed_metrics(page):
    f1 = json.loads((REPO / "metrics" / "f1.json").read_text())
    text = (REPO / page).read_text()
    assert len(book_table_cells(text)) == 16, "expected the book's table: rows de, each, de-fr, all; de fr it en"
    assert stale_results(text, f1) == []


# ---------------------------------------------------------------- the checks catch what they check

def test_each_check_reports_a_broken_example(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# A heading\n")
    assert broken_links(page, "[x](no-such-file.md)") == [f"page.md: link to no-such-file.md: {tmp_path}/no-such-file.md"
                                                          " does not exist"]
    assert broken_links(page, "[x](#a-heading) [y](#no-heading)") == ["page.md: link to #no-heading: no heading "
                                                                      "#no-heading in page.md"]
    assert missing_modules("`python -m panx_ner.no_such_module`") == ["python -m panx_ner.no_such_module: no such module"]
    assert missing_modules("```bash\npython -m pytest\npython -m panx_ner.compare\n```") == []
    assert missing_stages("`dvc repro train@xx-42`") == ["dvc repro train@xx-42: no such stage or output"]
    assert missing_stages("`dvc repro train@de-42` `dvc repro train` `dvc checkout release/de`") == []
    assert missing_stages("```bash\ndvc status   # up to date: dvc repro runs nothing\n```") == []
    assert missing_stages("`dvc repro [STAGE ...]`") == []
    assert missing_params("`train.epoch`") == ["train.epoch: not a key of params.yaml"]
    assert missing_params("`model.checkpoint` `model.safetensors`") == []
    assert missing_params("`dvc exp run -S train.learning_rate=1e-4 -S languages.en=0.2`") == []
    table = ("| trained on \\ tested on | de | fr | it | en |\n|---|---|---|---|---|\n"
             "| de | 0.9 (0.8677) | 0.7 | 0.6 | 0.5 |\n")
    f1 = {"de": {language: {"mean": 0.5} for language in ("de", "fr", "it", "en")}}
    assert stale_results(table, f1) == ["de on de: 0.9 in the page, 0.5 in metrics/f1.json",
                                        "de on fr: 0.7 in the page, 0.5 in metrics/f1.json",
                                        "de on it: 0.6 in the page, 0.5 in metrics/f1.json"]
