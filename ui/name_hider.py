"""Find the real names in free text and put their aliases in their place, for meeting mode.

Free text is what users type and what messages say: an option's name ("Penistone and Hill Brow
out"), its description, a data label, a file name. A user rarely writes a practice's whole name,
so besides the whole names, codes and file names, each practice's and PCN's distinctive part is
hidden too: the name without "The" and its kind ("Gold Street" of "The Gold Street Surgery"), and
each of its uncommon words of four letters or more ("Tasker" of "John Tasker House Surgery").
A part that two practices (or a practice and a PCN) share names neither, so it becomes
"(name hidden)". Matching ignores case and takes whole words only, longest first, in one pass
(a replacement is never searched again).

>>> hider = NameHider.build(
...     whole={"Penistone Group Practice": "Practice A", "Hill Brow Surgery": "Practice B", "P1": "A"},
...     names={"Practice A": ["Penistone Group Practice"], "Practice B": ["Hill Brow Surgery"]},
... )
>>> hider.hide("Penistone and hill brow out (P1)")
'Practice A and Practice B out (A)'
>>> hider.hide("Hillside is not Hill Brow")
'Hillside is not Practice B'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HIDDEN = "(name hidden)"
# Words a practice's or PCN's name shares with everyday writing (and with the aliases themselves): never hidden alone.
_COMMON_WORDS = """
    the and of at on in for with a an to by dr drs doctor doctors surgery surgeries practice practices medical centre center centres
    health healthcare clinic clinics group partnership partners family general primary care network pcn gp gps nhs file files
    house street road lane court square market high old new north south east west upper lower little great hill green park
    church river forest kings queens village town city valley bridge mill castle abbey field fields lodge gardens place way
    view close avenue crescent station cross end hall farm manor road grove side central united community federation option
    options fee fees cost costs income service services fixed more less out leave leaves stay stays
"""
COMMON = frozenset(_COMMON_WORDS.split())
# A name's kind, taken off its end to leave the distinctive part ("The Gold Street Surgery" -> "Gold Street").
KINDS = (
    "medical practice",
    "medical centre",
    "health centre",
    "medical group",
    "group practice",
    "family practice",
    "primary care network",
    "surgery",
    "surgeries",
    "practice",
    "partnership",
    "clinic",
    "centre",
    "pcn",
)
WORD = re.compile(r"\w[\w'’]*")


def distinctive_parts(name: str) -> set[str]:
    """The parts of a practice's or PCN's name a user might write for it (see the module docstring).

    >>> sorted(distinctive_parts("The Gold Street Surgery"))
    ['Gold', 'Gold Street']
    >>> sorted(distinctive_parts("John Tasker House Surgery"))
    ['John', 'John Tasker House', 'Tasker']
    >>> sorted(distinctive_parts("Market Square Surgery")), sorted(distinctive_parts("Kings Medical Centre"))
    (['Market Square'], [])
    >>> sorted(distinctive_parts("North Uttlesford PCN"))
    ['North Uttlesford', 'Uttlesford']
    """
    core = " ".join(name.split()).strip(" ,-")
    core = re.sub(r"^the\s+", "", core, flags=re.IGNORECASE)
    for kind in KINDS:
        if core.lower().endswith(" " + kind):
            core = core[: -len(kind) - 1].strip(" ,-")
            break
    parts = set()
    words = WORD.findall(core)
    if len(words) > 1 or (words and words[0].lower() not in COMMON):
        parts.add(core)
    parts |= {w for w in words if len(w) >= 4 and w.lower() not in COMMON}
    return parts


@dataclass(frozen=True)
class NameHider:
    """Real text -> shown text, found word by word: ``swaps`` by the lower-case first word of each real text."""

    swaps: Mapping[str, tuple[tuple[str, str, int], ...]]  # (real, shown, where its first word starts in it)

    @classmethod
    def build(cls, whole: Mapping[str, str], names: Mapping[str, Iterable[str]]) -> NameHider:
        """``whole``: exact real texts (names, codes, file names) and what shows instead; ``names``: each alias
        and the real names (of one practice or PCN) whose distinctive parts it also hides."""
        owners: dict[str, set[str]] = {}
        for alias, real_names in names.items():
            for real in real_names:
                if isinstance(real, str):
                    for part in distinctive_parts(real):
                        owners.setdefault(part.lower(), set()).add(alias)
        chosen = {real.lower(): (real, shown) for real, shown in whole.items() if isinstance(real, str) and real.strip()}
        for part, aliases in owners.items():
            if part not in chosen:
                chosen[part] = (part, next(iter(aliases)) if len(aliases) == 1 else HIDDEN)
        by_first: dict[str, list[tuple[str, str, int]]] = {}
        for real, shown in chosen.values():
            first = WORD.search(real)
            if first:  # a text without a word in it ("--") is never searched for
                by_first.setdefault(first.group().lower(), []).append((real, shown, first.start()))
        return cls({first: tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True)) for first, pairs in by_first.items()})

    def hide(self, text: str) -> str:
        """The text with every real name, code and file name replaced by what shows instead."""
        if not text:
            return text
        out, position, lower = [], 0, text.lower()
        for match in WORD.finditer(text):
            for real, shown, offset in self.swaps.get(match.group().lower(), ()):
                start, end = match.start() - offset, match.start() - offset + len(real)
                if start < position or not lower.startswith(real.lower(), start):
                    continue
                if (start == 0 or not _joins(text[start - 1], real[0])) and (end >= len(text) or not _joins(real[-1], text[end])):
                    out += [text[position:start], shown]
                    position = end
                    break
        out.append(text[position:])
        return "".join(out)


def _joins(left: str, right: str) -> bool:
    """Two characters side by side are one word ("Hill" in "Hillside"): both letters or digits."""
    return left.isalnum() and right.isalnum()
