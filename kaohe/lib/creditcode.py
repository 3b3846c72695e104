"""统一社会信用代码 (GB 32100-2015): the 18-character code every enterprise is registered under.

Layout: 1 登记管理部门代码 · 2 机构类别代码 · 3–8 登记管理机关行政区划码 (6 digits) ·
9–17 主体标识码 (组织机构代码, 9 characters) · 18 校验码. Characters are the digits and the
capital letters without I, O, Z, S, V (31 characters, valued 0–30 in this order). The check
character is ``31 − (Σ value × weight mod 31)`` over the first 17 characters with the weights
``3^(i−1) mod 31`` (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28); a result of
31 is written 0.

Pure Python, no Django: :func:`normalise` (trim, full-width to half-width, capitals),
:func:`check_char`, :func:`problem` (the reason a code is refused, or ``""``) and
:func:`is_valid`.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
LENGTH = 18


def normalise(text: str) -> str:
    """``" 91350100m000100y43 "`` → ``"91350100M000100Y43"`` (full-width characters folded too)."""
    out = []
    for ch in str(text or "").strip():
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII
            ch = chr(code - 0xFEE0)
        out.append(ch)
    return "".join(out).replace(" ", "").upper()


def check_char(first17: str) -> str:
    """The 18th character for the first 17 (which must be in the alphabet)."""
    total = sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> str:
    """Why ``code`` (already normalised) is not a valid 统一社会信用代码; ``""`` when it is."""
    if len(code) != LENGTH:
        return f"统一社会信用代码应为18位，“{code}”为{len(code)}位"
    bad = [c for c in code if c not in VALUES]
    if bad:
        return f"统一社会信用代码不能含“{''.join(dict.fromkeys(bad))}”（不使用I、O、Z、S、V）"
    if not code[2:8].isdigit():
        return f"第3–8位应为行政区划码（6位数字），“{code[2:8]}”不是"
    expected = check_char(code[:17])
    if code[17] != expected:
        return f"校验码不符：第18位应为“{expected}”，实为“{code[17]}”"
    return ""


def is_valid(code: str) -> bool:
    return not problem(normalise(code))


def complete(first17: str) -> str:
    """The full code for its first 17 characters (demo data, tests): ``first17 + check_char(first17)``."""
    return first17 + check_char(first17)
