"""Markdown tables from pandas frames: the one way reports, the F1 tables and tagged examples are written."""


def markdown_table(frame, index: bool = False) -> str:
    """A pandas frame as a GitHub markdown table (pipes in cells escaped): the one way every stage writes tables."""
    frame = frame.reset_index() if index else frame
    frame = frame.map(lambda cell: str(cell).replace("|", "\\|"))
    frame.columns = [str(column).replace("|", "\\|") for column in frame.columns]
    return frame.to_markdown(index=False, disable_numparse=True) + "\n"
