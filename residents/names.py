"""Pinyin keys for searching Chinese names: typing ``zlj`` or ``zhanglijun`` finds 张丽君."""

from __future__ import annotations

from pypinyin import lazy_pinyin

# Characters read differently as a surname than in ordinary words (曾 zēng, not céng).
# pypinyin reads words; a name's first character is a surname, so we correct it here.
_SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "查": "zha", "仇": "qiu", "朴": "piao", "区": "ou",
    "盖": "ge", "缪": "miao", "乐": "yue", "覃": "qin", "翟": "zhai", "种": "chong", "召": "shao",
    "员": "yun", "重": "chong", "尉": "yu", "黑": "he", "沈": "shen", "秘": "bi", "长": "chang",
}


def pinyin_keys(name: str) -> tuple[str, str]:
    """Full pinyin without tones and the initials, both lower case ASCII."""
    name = (name or "").strip()
    syllables = [s.lower() for s in lazy_pinyin(name, errors=lambda chars: ["".join(c for c in chars if c.isalnum())])]
    if name and name[0] in _SURNAME_READINGS and syllables:
        syllables[0] = _SURNAME_READINGS[name[0]]
    syllables = [s for s in syllables if s and s.isascii()]
    return "".join(syllables), "".join(s[0] for s in syllables)
