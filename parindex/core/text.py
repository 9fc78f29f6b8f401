"""Bilingual text: titles of nodes and bands, explanations of scores."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """Vietnamese first; English when given, else the Vietnamese text stands in."""

    vi: str
    en: str | None = None

    def get(self, lang: str = "vi") -> str:
        if lang.startswith("en") and self.en:
            return self.en
        return self.vi

    def __str__(self) -> str:
        return self.vi
