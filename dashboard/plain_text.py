"""Show user text (file, column and label names, messages that quote them) literally in Markdown elements."""
from __future__ import annotations

import re
import string

_MARKDOWN_SYNTAX = re.compile("([" + re.escape(string.punctuation) + "])")


def markdown_literal(text: object) -> str:
    """`text` with every ASCII punctuation character backslash-escaped, so Markdown shows it as typed."""
    return _MARKDOWN_SYNTAX.sub(r"\\\1", str(text)).replace("\n", " ")
