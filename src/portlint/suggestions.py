""" "Did you mean ...?" for rule codes, rule names and configuration keys a user mistyped."""

from __future__ import annotations

import re
from collections.abc import Iterable


def nearest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest of `choices` to `word` by edit similarity, or None."""
    import difflib  # only on an error: not on every run's start-up

    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return found[0] if found else None


def nearest_rule(text: str) -> str | None:
    """A rule (as 'PL101 (port-collision)') for a mistyped code or name: the numerically
    nearest ID for a code (`PL999`, `PL10l`), the most similar name otherwise."""
    from portlint.rules.catalogue import BY_ID, BY_NAME

    code = re.fullmatch(r"(?i)pl\s*0*(\d{1,4})", text.strip())
    if code is not None:
        number = int(code.group(1))
        rule = min(BY_ID, key=lambda rid: (abs(int(rid[2:]) - number), rid))
    else:
        name = nearest(text.lower(), BY_NAME, cutoff=0.5)
        if name is None:
            rule_id = nearest(text.upper(), BY_ID)
            return f"{rule_id} ({BY_ID[rule_id].name})" if rule_id else None
        rule = BY_NAME[name].id
    return f"{rule} ({BY_ID[rule].name})"


def did_you_mean(suggestion: str | None) -> str:
    return f"; did you mean {suggestion}?" if suggestion else ""
