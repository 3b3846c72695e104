"""GB/T 9704-2012 《党政机关公文格式》 documents as .docx (python-docx), and their PDF (LibreOffice).

No Django here: every module's 通报, 催办单, 督办函 and annex is written through this one layout.

    from kaohe.lib import gbt9704
    doc = gbt9704.Document("关于2025年3月高质量发展考核情况的通报", number="考核办〔2025〕3号",
                           issuer="××市高质量发展考核办公室", mark="××市高质量发展考核办公室文件",
                           addressee="各区人民政府，市各有关部门：", date=dt.date(2025, 4, 7))
    doc.heading(1, "总体情况")                 # → "一、总体情况" in 黑体
    doc.paragraph("全市……高于全市平均2.2个百分点，居第4位。")
    doc.heading(2, "主要做法", "各区……")       # → "（一）主要做法。" 楷体, then 仿宋 text in the same paragraph
    doc.table("各区得分情况", "分", ["单位", "得分", "位次"], rows)   # caption "表1　各区得分情况（单位：分）"
    doc.attachment("2025年3月各区得分明细")     # new page, "附件1" top left, its title; later calls go into it
    doc.colophon(cc=["市委办公室", "市人大常委会办公室"], printer="××市高质量发展考核办公室", date=dt.date(2025, 4, 7))
    data = doc.to_bytes()
    pdf = gbt9704.to_pdf(data)                # LibreOffice headless, fonts embedded

The numbers (PRACTICE.md §f, from the standard's text):

- A4 210 × 297 mm; margins top 37, bottom 35, left (订口) 28, right 26 mm ⇒ 版心 156 × 225 mm;
- 22 lines × 28 characters: the section's document grid is ``linesAndChars`` with a line pitch of
  225 mm / 22 = 28.95 pt (579 twips) and a character pitch of 156 mm / 28 = 15.79 pt (16 pt glyphs with
  ``charSpace`` −848 = −0.207 pt × 4096); body paragraphs are single-spaced and snap to that grid, so a
  full page holds exactly 22 lines of 28 characters;
- body 3号 (16 pt) 仿宋, first line indented 2 字; title 2号 (22 pt) 小标宋 centred; headings
  一、 黑体 / （一） 楷体 / 1. 仿宋 / （1） 仿宋, numbered automatically and renumbered as written;
- 发文字号 ``代字〔2025〕N号`` centred under the 发文机关标志, a red line 4 mm under it (版心 wide);
- page numbers "— n —" 4号 宋体 7 mm under the 版心: odd pages right, even pages left, 1 字 in
  (footer PAGE fields, ``evenAndOddHeaders``); 信函格式 has none on page 1;
- 版记 at the bottom of the last page's 版心: 抄送 and 印发机关/印发日期 in 4号仿宋 between black rules,
  first and last 0.35 mm, middle 0.25 mm;
- tables: caption "表N　…（单位：…）", a header row that repeats on every page, widths from the
  content; a table too wide for the portrait 版心 goes on a landscape section whose head is on the
  订口 side (the rule for odd pages; Word cannot know a page's parity in advance);
- 附件: "附件：1.××" under the body, each attachment on a new page with "附件N" top left.

Fonts: the document names the fonts an office has — 仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体 —
in every run's ``w:rFonts`` (ascii, hAnsi, eastAsia), so Word renders the office's own. The PDF is made
by LibreOffice with the project's fontconfig file (``fonts/kaohe-fonts.conf`` beside this module), which
maps those names to free fonts from Debian packages (see ``SUBSTITUTES``).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# -- the numbers -------------------------------------------------------------------------------------

PAGE_W_MM, PAGE_H_MM = 210, 297
TOP_MM, BOTTOM_MM, LEFT_MM, RIGHT_MM = 37, 35, 28, 26
BODY_W_MM, BODY_H_MM = PAGE_W_MM - LEFT_MM - RIGHT_MM, PAGE_H_MM - TOP_MM - BOTTOM_MM  # 156 × 225
LINES, CHARS = 22, 28
LINE_PITCH_TWIPS = 579  # 225 mm / 22 = 28.95 pt
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
SMALL_PT = 14  # 4号: page numbers, 版记
CHAR_SPACE = -848  # (156 mm / 28 − 16 pt) × 4096
PAGE_NUMBER_GAP_MM = 7

FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
RED = "FF0000"

#: The free fonts (Debian packages) the PDF renders each standard name with, best first;
#: ``fonts/kaohe-fonts.conf`` says the same to fontconfig.
SUBSTITUTES: dict[str, list[tuple[str, str]]] = {
    FANGSONG: [("AR PL UMing CN", "fonts-arphic-uming"), ("Noto Serif CJK SC", "fonts-noto-cjk")],
    "仿宋": [("AR PL UMing CN", "fonts-arphic-uming"), ("Noto Serif CJK SC", "fonts-noto-cjk")],
    XIAOBIAOSONG: [("Noto Serif CJK SC:bold", "fonts-noto-cjk")],
    HEITI: [("Noto Sans CJK SC", "fonts-noto-cjk"), ("WenQuanYi Zen Hei", "fonts-wqy-zenhei")],
    KAITI: [("AR PL UKai CN", "fonts-arphic-ukai")],
    "楷体": [("AR PL UKai CN", "fonts-arphic-ukai")],
    SONGTI: [("Noto Serif CJK SC", "fonts-noto-cjk"), ("AR PL UMing CN", "fonts-arphic-uming")],
}
FONTCONFIG = Path(__file__).with_name("fonts") / "kaohe-fonts.conf"

CN_DIGITS = "〇一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (for 一、 and （一）)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def cn_date(day: dt.date) -> str:
    """成文日期/印发日期: Arabic numerals, the year in full, no leading zeros — 2025年4月7日."""
    return f"{day.year}年{day.month}月{day.day}日"


def doc_number(code: str, year: int, serial: int) -> str:
    """发文字号: 代字〔2025〕7号 — the year in 六角括号, no leading zeros, no 第."""
    if serial < 1:
        raise ValueError("serial starts at 1")
    return f"{code}〔{year}〕{serial}号"


NUMBER_RE = re.compile(r"^(?P<code>.+)〔(?P<year>\d{4})〕(?P<serial>[1-9]\d*)号$")


def heading_label(level: int, n: int) -> str:
    """层次序数: 一、 （一） 1. （1）."""
    return {1: f"{cn_number(n)}、", 2: f"（{cn_number(n)}）", 3: f"{n}.", 4: f"（{n}）"}[level]


HEADING_FONTS = {1: HEITI, 2: KAITI, 3: FANGSONG, 4: FANGSONG}
_LABEL_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．]|（\d+）)")


def text_width(text: str) -> float:
    """Width in 字: a CJK character is 1, a half-width one 0.5."""
    return sum(1.0 if ord(ch) > 0x2E80 or ch in "—“”‘’…" else 0.5 for ch in str(text))


# -- the content (kept as blocks; laid out in to_bytes) -------------------------------------------------


@dataclass
class _Para:
    text: str
    font: str = FANGSONG
    label: str = ""
    label_font: str = ""
    style: str = "body"  # body | plain | center | right
    heading: bool = False  # a heading alone on its line: kept with the next paragraph


@dataclass
class _Table:
    caption: str
    unit: str | None
    headers: list[str]
    rows: list[list[Any]]
    landscape: bool
    widths: list[float] | None
    align: list[str] | None
    notes: list[str]
    number: int = 0


@dataclass
class _Image:
    data: bytes
    width_mm: float
    caption: str | None


@dataclass
class _PageBreak:
    pass


@dataclass
class _Part:
    """The body or one attachment."""

    title: str | None = None
    index: int = 0
    blocks: list[Any] = field(default_factory=list)
    counters: list[int] = field(default_factory=lambda: [0, 0, 0, 0])


class Document:
    """One 公文. Content calls go into the body until ``attachment`` opens an attachment."""

    def __init__(
        self,
        title: str,
        *,
        number: str | None = None,
        issuer: str | None = None,
        mark: str | None = None,
        addressee: str | None = None,
        date: dt.date | None = None,
        note: str | None = None,
        letter: bool = False,
        kind: str | None = None,
    ):
        """``title`` the 标题; ``number`` the 发文字号; ``issuer`` the 署名 (and default 印发机关); ``mark``
        the 发文机关标志 in red (e.g. "××市考核办文件", none ⇒ no 版头 mark); ``addressee`` the 主送机关
        (with its colon); ``date`` the 成文日期; ``note`` the 附注 (e.g. "此件公开发布"); ``letter`` the
        信函格式 (督办函: red double rules, 发文字号 top right, no page number on page 1); ``kind`` the 文种
        (通报, 函 …; only recorded in the core properties)."""
        self.title = title
        self.number = number
        self.issuer = issuer
        self.mark = mark
        self.addressee = addressee
        self.date = date
        self.note = note
        self.letter = letter
        self.kind = kind
        self.parts: list[_Part] = [_Part()]
        self.table_count = 0
        self.cc: list[str] = []
        self.printer: str | None = None
        self.printed: dt.date | None = None
        self.has_colophon = False

    @property
    def _part(self) -> _Part:
        return self.parts[-1]

    # content
    def heading(self, level: int, text: str, body: str | None = None, *, numbered: bool = True) -> str:
        """A numbered heading (level 1–4); returns its label ("一、"). ``body`` continues the paragraph in
        仿宋 (the usual form for levels 2–4: "（一）做法。正文……"). Numbering restarts under each higher
        level; a text that already starts with a label is kept as written."""
        if level not in (1, 2, 3, 4):
            raise ValueError("heading level is 1–4")
        counters = self._part.counters
        counters[level - 1] += 1
        for lower in range(level, 4):
            counters[lower] = 0
        label = heading_label(level, counters[level - 1]) if numbered and not _LABEL_RE.match(text) else ""
        font = HEADING_FONTS[level]
        if body is None:
            self._part.blocks.append(_Para(text, font=font, label=label, label_font=font, heading=True))
        else:  # the heading words end with 。 and the paragraph goes on in 仿宋
            head = text if re.search(r"[。：；！？]$", text) else text + "。"
            self._part.blocks.append(_Para(body, font=FANGSONG, label=label + head, label_font=font))
        return label

    def paragraph(self, text: str, *, align: str = "body") -> None:
        """A body paragraph (3号仿宋, first line indented 2 字, justified). ``align``: body | plain (flush
        left, no indent) | center | right."""
        self._part.blocks.append(_Para(str(text), style=align))

    def paragraphs(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.paragraph(text)

    def table(
        self,
        caption: str,
        unit: str | None,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        landscape: bool | None = None,
        widths: Sequence[float] | None = None,
        align: Sequence[str] | None = None,
        notes: Sequence[str] = (),
    ) -> int:
        """A table numbered 表N with the unit in its caption; returns N. Cells are text (format figures
        with kaohe.lib.numbers first). ``landscape=None`` decides from the content width; ``widths``
        relative column widths; ``align`` per column l|c|r (default: text left, figures right)."""
        rows = [["" if v is None else str(v) for v in row] for row in rows]
        headers = [str(h) for h in headers]
        if landscape is None:
            landscape = _natural_width(headers, rows) > BODY_W_MM
        self.table_count += 1
        self._part.blocks.append(_Table(caption, unit, headers, rows, landscape, list(widths) if widths else None,
                                        list(align) if align else None, list(notes), self.table_count))
        return self.table_count

    def image(self, png: bytes, *, width_mm: float = BODY_W_MM, caption: str | None = None) -> None:
        self._part.blocks.append(_Image(png, min(width_mm, BODY_W_MM), caption))

    def page_break(self) -> None:
        self._part.blocks.append(_PageBreak())

    def attachment(self, title: str) -> int:
        """Open 附件N (N from 1): a new page headed "附件N" and ``title``; later content goes into it."""
        part = _Part(title=title, index=len(self.parts))
        self.parts.append(part)
        return part.index

    def colophon(self, cc: Sequence[str] = (), printer: str | None = None, date: dt.date | None = None) -> None:
        """版记: 抄送 (names, in order), 印发机关 (default the issuer) and 印发日期 (default the 成文日期)."""
        self.cc = [str(c) for c in cc]
        self.printer = printer or self.issuer
        self.printed = date or self.date
        self.has_colophon = True

    # output
    def to_bytes(self) -> bytes:
        return _Writer(self).write()

    # the editable draft: header fields + the body as text with placeholders for tables and images
    def to_draft(self) -> dict:
        """The document as a JSON-able draft: its header fields, ``text`` (the body a person edits: one
        paragraph a line; headings by their labels 一、/（一）/1./（1）, renumbered when written;
        【表N】 and 【图N】 for the tables and images, 【附件 标题】 for an attachment, 【分页】) and the
        ``tables``/``images`` the placeholders name. ``Document.from_draft`` reads it back."""
        import base64

        lines: list[str] = []
        tables: list[dict] = []
        images: list[dict] = []
        for part in self.parts:
            if part.title is not None:
                lines.append(f"【附件 {part.title}】")
            for b in part.blocks:
                if isinstance(b, _Para):
                    lines.append(b.label + b.text)
                elif isinstance(b, _Table):
                    tables.append({"caption": b.caption, "unit": b.unit, "headers": b.headers, "rows": b.rows,
                                   "landscape": b.landscape, "widths": b.widths, "align": b.align, "notes": b.notes})
                    lines.append(f"【表{len(tables)}】")
                elif isinstance(b, _Image):
                    images.append({"png": base64.b64encode(b.data).decode(), "width_mm": b.width_mm, "caption": b.caption})
                    lines.append(f"【图{len(images)}】")
                elif isinstance(b, _PageBreak):
                    lines.append("【分页】")
        return {
            "title": self.title, "number": self.number, "issuer": self.issuer, "mark": self.mark,
            "addressee": self.addressee, "date": self.date.isoformat() if self.date else None, "note": self.note,
            "letter": self.letter, "kind": self.kind, "colophon": self.has_colophon, "cc": self.cc,
            "printer": self.printer, "printed": self.printed.isoformat() if self.printed else None,
            "text": "\n".join(lines), "tables": tables, "images": images,
        }

    @classmethod
    def from_draft(cls, draft: dict, **override) -> Document:
        """The document a draft describes; ``override`` replaces header fields (``number=``, ``date=``)."""
        fields = {k: draft.get(k) for k in ("title", "number", "issuer", "mark", "addressee", "note", "kind")}
        fields["date"] = dt.date.fromisoformat(draft["date"]) if draft.get("date") else None
        fields["letter"] = bool(draft.get("letter"))
        fields.update(override)
        doc = cls(**fields)
        doc.write_text(draft.get("text") or "", draft.get("tables") or [], draft.get("images") or [])
        if draft.get("colophon"):
            printed = draft.get("printed")
            doc.colophon(cc=draft.get("cc") or [], printer=draft.get("printer"),
                         date=dt.date.fromisoformat(printed) if printed else None)
            if override.get("date") and not printed:
                doc.printed = override["date"]
        return doc

    def write_text(self, text: str, tables: Sequence[dict] = (), images: Sequence[dict] = ()) -> None:
        """Append the body written as text (the ``to_draft`` form; see there). Raises ValueError (in
        Chinese) on a placeholder that names no table or image."""
        import base64

        for raw in text.splitlines():
            line = raw.strip()
            if not line:
                continue
            m = _PLACEHOLDER.match(line)
            if m:
                what, arg = m.group(1), (m.group(2) or "").strip()
                if what == "表":
                    t = _pick(tables, arg, "表")
                    self.table(t["caption"], t.get("unit"), t["headers"], t["rows"], landscape=t.get("landscape"),
                               widths=t.get("widths"), align=t.get("align"), notes=t.get("notes") or ())
                elif what == "图":
                    im = _pick(images, arg, "图")
                    self.image(base64.b64decode(im["png"]), width_mm=im.get("width_mm") or BODY_W_MM, caption=im.get("caption"))
                elif what == "附件":  # 【附件 标题】 or 【附件2 标题】 (the number is given anew)
                    numbered = re.match(r"^\d+\s+(\S.*)$", arg)
                    self.attachment((numbered.group(1) if numbered else arg) or "附件")
                else:
                    self.page_break()
                continue
            level, rest = _heading_of(line)
            if level:
                if level > 1 and "。" in rest[:-1]:
                    head, _dot, body = rest.partition("。")
                    self.heading(level, head + "。", body)
                else:
                    self.heading(level, rest)
            else:
                self.paragraph(line)

    def plain_text(self) -> str:
        """The words of the document, in order (for search and for the register's draft text)."""
        lines = [self.title]
        for part in self.parts:
            if part.title:
                lines += [f"附件{part.index}", part.title]
            for b in part.blocks:
                if isinstance(b, _Para):
                    lines.append(b.label + b.text)
                elif isinstance(b, _Table):
                    lines.append(_caption(b))
                    lines += ["\t".join(r) for r in [b.headers, *b.rows]]
        return "\n".join(lines)


_PLACEHOLDER = re.compile(r"^【(表|图|附件|分页)\s*([^】]*)】$")
_HEADINGS = (
    (1, re.compile(r"^[一二三四五六七八九十]+、\s*(.+)$")),
    (2, re.compile(r"^（[一二三四五六七八九十]+）\s*(.+)$")),
    (3, re.compile(r"^\d+[.．](?!\d)\s*(.+)$")),
    (4, re.compile(r"^（\d+）\s*(.+)$")),
)


def _heading_of(line: str) -> tuple[int, str]:
    for level, pattern in _HEADINGS:
        m = pattern.match(line)
        if m:
            return level, m.group(1)
    return 0, line


def _pick(items: Sequence[dict], arg: str, what: str) -> dict:
    try:
        n = int(arg)
        if n < 1:
            raise IndexError
        return items[n - 1]
    except (ValueError, IndexError):
        raise ValueError(f"【{what}{arg}】：没有这个{what}（共{len(items)}个）") from None


def _caption(t: _Table) -> str:
    unit = f"（单位：{t.unit}）" if t.unit else ""
    return f"表{t.number}\u3000{t.caption}{unit}"


_NUMERIC = re.compile(r"^[+\-−]?[\d,.]+%?$|^[▲▼—]")


def _natural_width(headers: list[str], rows: list[list[str]], pt: float = 10.5) -> float:
    """The width in mm a table needs at ``pt`` with each column as wide as its longest cell (capped)."""
    mm_per_char = pt * 25.4 / 72
    return sum(_column_width(headers, rows, c) * mm_per_char + 2.5 for c in range(len(headers)))


def _column_width(headers: list[str], rows: list[list[str]], c: int) -> float:
    """A column's width in 字: its longest cell up to 8 字 (longer names wrap), a header on two lines."""
    return max([min(text_width(headers[c]), max(text_width(headers[c]) / 2, 2)) + 0.5,
                *(min(text_width(r[c]), 8) + 0.5 for r in rows if c < len(r))])


# -- WordprocessingML child order (Word refuses a file whose elements are out of the schema's order) ----

_ORDER = {
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
           "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs "
           "em lang eastAsianLayout specVanish oMath",
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
           "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
           "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
           "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing "
             "tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription",
    "trPr": "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader tblCellSpacing jc hidden",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark",
}
_RANK = {parent: {name: i for i, name in enumerate(seq.split())} for parent, seq in _ORDER.items()}


def _place(parent, child):
    """Insert ``child`` into ``parent`` where the schema wants it (replacing one of the same tag)."""
    local = lambda el: el.tag.rsplit("}", 1)[-1]  # noqa: E731
    rank = _RANK[local(parent)]
    mine = rank[local(child)]
    for existing in list(parent):
        if existing.tag == child.tag:
            parent.remove(existing)
    for i, existing in enumerate(parent):
        if rank.get(local(existing), -1) > mine:
            parent.insert(i, child)
            return child
    parent.append(child)
    return child


# -- the writer ---------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, doc: Document):
        from docx import Document as DocxDocument

        self.d = doc
        self.docx = DocxDocument()
        self.body = self.docx.element.body

    # helpers
    def _fonts(self, rpr_parent, font: str, size: float | None = None, color: str | None = None, bold: bool = False):
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        rpr = rpr_parent.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            _place(rpr, fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), font)
        fonts.set(qn("w:hint"), "eastAsia")
        if bold:
            _place(rpr, OxmlElement("w:b"))
        if color:
            c = OxmlElement("w:color")
            c.set(qn("w:val"), color)
            _place(rpr, c)
        if size:
            for tag in ("w:sz", "w:szCs"):
                s = OxmlElement(tag)
                s.set(qn("w:val"), str(int(round(size * 2))))
                _place(rpr, s)
        return rpr

    def _run(self, p, text: str, font: str = FANGSONG, size: float = BODY_PT, color: str | None = None):
        run = p.add_run(text)
        self._fonts(run._r, font, size, color)
        return run

    def _para(self, *, align: str = "both", first_chars: int = 0, left_chars: float = 0, right_chars: float = 0,
              before_pt: float = 0, after_pt: float = 0, exact_pt: float | None = None, keep_next: bool = False,
              grid: bool = True, container=None):
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        p = (container or self.docx).add_paragraph()
        pf = p.paragraph_format
        pf.alignment = {"both": WD_ALIGN_PARAGRAPH.JUSTIFY, "left": WD_ALIGN_PARAGRAPH.LEFT,
                        "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
        pf.space_before = Pt(before_pt)
        pf.space_after = Pt(after_pt)
        if exact_pt:
            pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            pf.line_spacing = Pt(exact_pt)
        else:
            pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        pf.keep_with_next = keep_next or None
        ppr = p._p.get_or_add_pPr()
        if not grid:
            snap = OxmlElement("w:snapToGrid")
            snap.set(qn("w:val"), "0")
            _place(ppr, snap)
        if first_chars or left_chars or right_chars:
            ind = ppr.find(qn("w:ind"))
            if ind is None:
                ind = OxmlElement("w:ind")
                _place(ppr, ind)
            if first_chars:
                ind.set(qn("w:firstLineChars"), str(int(first_chars * 100)))
                ind.set(qn("w:firstLine"), str(int(first_chars * BODY_PT * 20)))
            if left_chars:
                ind.set(qn("w:leftChars"), str(int(left_chars * 100)))
                ind.set(qn("w:left"), str(int(left_chars * BODY_PT * 20)))
            if right_chars:
                ind.set(qn("w:rightChars"), str(int(right_chars * 100)))
                ind.set(qn("w:right"), str(int(right_chars * BODY_PT * 20)))
        return p

    def _border(self, p, side: str, *, val: str = "single", eighths: int = 8, color: str = "000000", space: int = 1):
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        ppr = p._p.get_or_add_pPr()
        bdr = ppr.find(qn("w:pBdr"))
        if bdr is None:
            bdr = OxmlElement("w:pBdr")
            # pBdr comes before spacing/ind/jc in the schema
            _place(ppr, bdr)
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), val)
        el.set(qn("w:sz"), str(eighths))
        el.set(qn("w:space"), str(space))
        el.set(qn("w:color"), color)
        bdr.append(el)

    def _setup_section(self, section, *, landscape: bool = False):
        from docx.enum.section import WD_ORIENT
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt

        if landscape:
            # the portrait page turned so that its 订口 (left) edge is the top of the table
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(PAGE_H_MM), Mm(PAGE_W_MM)
            section.top_margin, section.right_margin = Mm(LEFT_MM), Mm(TOP_MM)
            section.bottom_margin, section.left_margin = Mm(RIGHT_MM), Mm(BOTTOM_MM)
        else:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
            section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
            section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
        section.gutter = Mm(0)
        section.header_distance = Mm(15)
        # the 一字线 (mid-line) 7 mm under the 版心: footer bottom = 35 − 7 mm − half a 4号 line (≈ 10 pt)
        section.footer_distance = Mm(BOTTOM_MM - PAGE_NUMBER_GAP_MM) - Pt(10)
        sect = section._sectPr
        grid = sect.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect.append(grid)
        grid.set(qn("w:type"), "linesAndChars")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
        grid.set(qn("w:charSpace"), str(CHAR_SPACE))

    def _footers(self, section):
        """"— n —" 4号 宋体: odd pages right, even left, one 字 in; 信函 has none on page 1."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        self.docx.settings.odd_and_even_pages_header_footer = True

        def fill(footer, align):
            p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
            pf = p.paragraph_format
            from docx.enum.text import WD_ALIGN_PARAGRAPH
            from docx.shared import Pt

            pf.alignment = WD_ALIGN_PARAGRAPH.RIGHT if align == "right" else WD_ALIGN_PARAGRAPH.LEFT
            if align == "right":
                pf.right_indent = Pt(SMALL_PT)
            else:
                pf.left_indent = Pt(SMALL_PT)
            pf.space_before = pf.space_after = Pt(0)
            self._run(p, "— ", SONGTI, SMALL_PT)
            for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
                r = p.add_run()
                self._fonts(r._r, SONGTI, SMALL_PT)
                if kind:
                    fc = OxmlElement("w:fldChar")
                    fc.set(qn("w:fldCharType"), kind)
                    r._r.append(fc)
                elif text == " PAGE ":
                    it = OxmlElement("w:instrText")
                    it.set(qn("xml:space"), "preserve")
                    it.text = text
                    r._r.append(it)
                else:
                    r.text = text
            self._run(p, " —", SONGTI, SMALL_PT)

        fill(section.footer, "right")
        fill(section.even_page_footer, "left")
        if self.d.letter:
            section.different_first_page_header_footer = True
            self._letter_first_page(section)

    def _letter_first_page(self, section):
        """信函格式 page 1: no page number; a red double rule (上细下粗) 20 mm above the bottom edge, drawn
        by a box anchored to the page in the first-page footer (the footers of later pages keep their place)."""
        from docx.oxml import parse_xml
        from docx.oxml.ns import qn

        footer = section.first_page_footer
        holder = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        line = self._para(grid=False, exact_pt=2, container=footer)
        self._border(line, "top", val="thinThickSmallGap", eighths=18, color=RED, space=0)
        width = int(BODY_W_MM / 25.4 * 1440) * 635
        y = int((PAGE_H_MM - 20) * MM_EMU)
        anchor = parse_xml(_BOX_XML.format(w=width, h=int(2 * MM_EMU), id=9705, name="信函下红线",
                                           v=f'<wp:positionV relativeFrom="page"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'))
        anchor.find(".//" + qn("w:txbxContent")).append(line._p)
        holder.add_run()._r.append(anchor)

    def _styles(self):
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        normal = self.docx.styles["Normal"]
        normal.font.size = Pt(BODY_PT)
        normal.font.name = FANGSONG
        self._fonts(normal.element, FANGSONG)
        # docDefaults too: the character grid is computed from the default font size
        styles = self.docx.styles.element
        rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        for tag in ("w:sz", "w:szCs"):
            el = rpr_default.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                _place(rpr_default, el)
            el.set(qn("w:val"), str(BODY_PT * 2))
        fonts = rpr_default.find(qn("w:rFonts"))
        if fonts is not None:
            for attr in list(fonts.attrib):
                del fonts.attrib[attr]
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(attr), FANGSONG)
        lang = rpr_default.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            _place(rpr_default, lang)
        # Latin text (digits, letters) in English, the rest in Chinese: with zh-CN as the Latin language
        # LibreOffice breaks a number anywhere ("3.\n00分"); Word's Chinese documents say en-US here too.
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        pf = normal.paragraph_format
        pf.space_before = pf.space_after = Pt(0)
        # Word's default "Normal" spacing-after from python-docx's template would break the grid
        ppr_default = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault"))
        if ppr_default is not None:
            spacing = ppr_default.find(qn("w:pPr")).find(qn("w:spacing")) if ppr_default.find(qn("w:pPr")) is not None else None
            if spacing is not None:
                spacing.set(qn("w:after"), "0")
                spacing.set(qn("w:line"), "240")
                spacing.set(qn("w:lineRule"), "auto")
        core = self.docx.core_properties
        core.title = self.d.title
        core.subject = self.d.kind or ""
        core.author = self.d.issuer or ""
        core.language = "zh-CN"

    # the zones
    def _head(self):
        d = self.d
        if d.letter:
            if d.mark:
                p = self._para(align="center", exact_pt=40, grid=False)
                self._run(p, d.mark, XIAOBIAOSONG, 30, RED)
                self._border(p, "bottom", val="thickThinSmallGap", eighths=18, color=RED, space=11)
            if d.number:
                p = self._para(align="right", before_pt=6)
                self._run(p, d.number)
            return
        if d.mark:
            # top edge 35 mm under the 版心's top edge
            size, scale = mark_size(d.mark)
            p = self._para(align="center", before_pt=35 * 72 / 25.4 - 6, exact_pt=size * 1.4, grid=False)
            run = self._run(p, d.mark, XIAOBIAOSONG, size, RED)
            if scale < 100:
                _scale(run, scale)
            self._para()  # 2 lines under the mark: one empty grid line, then the number
        if d.number or d.mark:
            p = self._para(align="center")
            self._run(p, d.number or "")
            self._border(p, "bottom", eighths=12, color=RED, space=11)  # ≈ 4 mm under the number
            self._para()
        # the title 2 lines under the red line (one empty line here + the title's own space)

    def _title(self, text: str, before_pt: float = 0):
        for line in _title_lines(text):
            p = self._para(align="center", exact_pt=36, grid=False, before_pt=before_pt, keep_next=True)
            self._run(p, line, XIAOBIAOSONG, TITLE_PT)
            before_pt = 0

    def _portrait(self):
        """Text after a landscape table goes on a new portrait page."""
        if self.landscape:
            self._new_section(False)

    def _blocks(self, blocks):
        for i, b in enumerate(blocks):
            after = blocks[i + 1] if i + 1 < len(blocks) else None
            if isinstance(b, _Para) and b.heading and isinstance(after, _Table) and after.landscape:
                if not self.landscape:  # the heading goes onto the landscape page with its table
                    self._new_section(True)
            elif not isinstance(b, _Table):
                self._portrait()
            if isinstance(b, _Para):
                self._paragraph(b)
            elif isinstance(b, _Table):
                self._table(b)
            elif isinstance(b, _Image):
                self._image(b)
            elif isinstance(b, _PageBreak):
                self._page_break()

    def _paragraph(self, b: _Para):
        style = b.style
        if style == "body":
            p = self._para(align="both", first_chars=2, keep_next=b.heading)
        elif style == "plain":
            p = self._para(align="left")
        else:
            p = self._para(align=style)
        if b.label:
            self._run(p, b.label, b.label_font or FANGSONG)
        if b.text:
            self._run(p, b.text, b.font)

    def _page_break(self):
        from docx.enum.text import WD_BREAK

        p = self._para()
        p.add_run().add_break(WD_BREAK.PAGE)

    def _image(self, b: _Image):
        from docx.shared import Mm

        p = self._para(align="center", grid=False)
        p.add_run().add_picture(io.BytesIO(b.data), width=Mm(b.width_mm))
        if b.caption:
            c = self._para(align="center")
            self._run(c, b.caption, FANGSONG, SMALL_PT)

    def _new_section(self, landscape: bool):
        from docx.enum.section import WD_SECTION

        section = self.docx.add_section(WD_SECTION.NEW_PAGE)
        self._setup_section(section, landscape=landscape)
        self.landscape = landscape
        return section

    def _table(self, t: _Table):
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt

        if t.landscape != self.landscape:
            self._new_section(t.landscape)
        width_mm = (PAGE_H_MM - TOP_MM - BOTTOM_MM) if t.landscape else BODY_W_MM
        ncols = len(t.headers)
        pt = next((size for size in (14, 12, 10.5) if _natural_width(t.headers, t.rows, size) <= width_mm), 9)
        cap = self._para(align="center", keep_next=True, before_pt=0)
        self._run(cap, _caption(t), HEITI, BODY_PT)
        rel = t.widths or [_column_width(t.headers, t.rows, c) for c in range(ncols)]
        total = sum(rel) or 1
        cols_mm = [width_mm * w / total for w in rel]
        table = self.docx.add_table(rows=1, cols=ncols)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        tblpr = table._tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        _place(tblpr, layout)
        tblw = tblpr.find(qn("w:tblW"))
        if tblw is None:
            tblw = OxmlElement("w:tblW")
            _place(tblpr, tblw)
        tblw.set(qn("w:type"), "dxa")
        tblw.set(qn("w:w"), str(int(width_mm / 25.4 * 1440)))
        for i, col in enumerate(table.columns):
            col.width = Mm(cols_mm[i])
        numeric = [all(_NUMERIC.match(r[c]) or r[c] in ("", "—") for r in t.rows if c < len(r)) and any(r[c] for r in t.rows)
                   for c in range(ncols)]
        aligns = t.align or ["r" if numeric[c] and c else "l" for c in range(ncols)]
        jc = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT}

        def fill(row, values, header: bool):
            for c, cell in enumerate(row.cells):
                cell.width = Mm(cols_mm[c])
                p = cell.paragraphs[0]
                pf = p.paragraph_format
                pf.alignment = WD_ALIGN_PARAGRAPH.CENTER if header else jc[aligns[c]]
                pf.space_before = pf.space_after = Pt(0)
                ppr = p._p.get_or_add_pPr()
                snap = OxmlElement("w:snapToGrid")
                snap.set(qn("w:val"), "0")
                _place(ppr, snap)
                self._run(p, values[c] if c < len(values) else "", HEITI if header else FANGSONG, pt)
                tcpr = cell._tc.get_or_add_tcPr()
                va = OxmlElement("w:vAlign")
                va.set(qn("w:val"), "center")
                _place(tcpr, va)

        head = table.rows[0]
        trpr = head._tr.get_or_add_trPr()
        th = OxmlElement("w:tblHeader")
        _place(trpr, th)
        cant = OxmlElement("w:cantSplit")
        _place(trpr, cant)
        fill(head, t.headers, True)
        for values in t.rows:
            row = table.add_row()
            _place(row._tr.get_or_add_trPr(), OxmlElement("w:cantSplit"))
            fill(row, values, False)
        for note in t.notes:
            p = self._para(align="left", grid=False)
            self._run(p, note, FANGSONG, SMALL_PT)
        self._para()  # one line under the table

    def _attachment_note(self):
        atts = [p for p in self.d.parts[1:]]
        if not atts:
            return
        self._para()
        if len(atts) == 1:
            p = self._para(align="left", first_chars=2)
            self._run(p, f"附件：{atts[0].title}")
            return
        for i, part in enumerate(atts):
            # "附件：1.××" and the next numbers aligned under the first
            p = self._para(align="left", left_chars=5 if i else 2, first_chars=0)
            self._run(p, ("附件：" if i == 0 else "") + f"{part.index}.{part.title}")

    def _signature(self):
        d = self.d
        if not (d.issuer or d.date):
            return
        self._para()
        sig_w = text_width(d.issuer or "")
        date_w = text_width(cn_date(d.date)) if d.date else 0
        date_ri = max(sig_w - date_w, 2)
        sig_ri = date_ri + date_w + 2 - sig_w if date_ri == 2 else 2
        if d.issuer:
            p = self._para(align="right", right_chars=max(sig_ri, 0))
            self._run(p, d.issuer)
        if d.date:
            p = self._para(align="right", right_chars=date_ri)
            self._run(p, cn_date(d.date))
        if d.note:
            p = self._para(align="left", first_chars=2)
            note = d.note if d.note.startswith("（") else f"（{d.note}）"
            self._run(p, note)

    def _colophon(self):
        """版记 at the bottom of the last page's 版心: 4号仿宋 paragraphs in a text box anchored to the
        bottom of the margin box (a DrawingML anchor: Word and LibreOffice both place it there; paragraph
        frames and floating tables LibreOffice lays out inline), first and last rules 0.35 mm, the middle
        one 0.25 mm; 抄送 and 印发机关 1 字 in, 印发日期 1 字 from the right; body text wraps above it."""
        from docx.oxml import OxmlElement, parse_xml
        from docx.oxml.ns import qn
        from docx.shared import Pt

        d = self.d
        self._portrait()
        rows = []
        if d.cc:
            rows.append(("cc", "抄送：" + "，".join(d.cc) + "。"))
        if not d.letter:  # 信函格式 has no 印发机关/印发日期
            rows.append(("print", (d.printer or "", f"{cn_date(d.printed)}印发" if d.printed else "")))
        if not rows:
            return
        width = int(BODY_W_MM / 25.4 * 1440)
        paragraphs = []
        for i, (kind, value) in enumerate(rows):
            p = self._para(align="left", grid=False, exact_pt=COLOPHON_LINE_PT)
            ppr = p._p.get_or_add_pPr()
            pf = p.paragraph_format
            pf.space_before = pf.space_after = Pt(COLOPHON_PAD_PT / 2)
            pf.left_indent = Pt(SMALL_PT)
            pf.right_indent = Pt(SMALL_PT)
            if i == 0:
                self._border(p, "top", eighths=8, space=0)
            self._border(p, "bottom", eighths=8 if i == len(rows) - 1 else 6, space=0)
            if kind == "cc":
                pf.left_indent = Pt(SMALL_PT * 4)
                pf.first_line_indent = -Pt(SMALL_PT * 3)
                self._run(p, value, FANGSONG, SMALL_PT)
            else:
                printer, printed = value
                tabs = OxmlElement("w:tabs")
                tab = OxmlElement("w:tab")
                tab.set(qn("w:val"), "right")
                tab.set(qn("w:pos"), str(width - 2 * SMALL_PT * 20))
                tabs.append(tab)
                _place(ppr, tabs)
                self._run(p, printer, FANGSONG, SMALL_PT)
                self._run(p, "\t" + printed, FANGSONG, SMALL_PT)
            paragraphs.append(p._p)
        height_pt = sum((_cc_lines(v) if k == "cc" else 1) * COLOPHON_LINE_PT + COLOPHON_PAD_PT for k, v in rows) + 2
        emu_w, emu_h = width * 635, int(height_pt * 12700)
        anchor = parse_xml(_BOX_XML.format(w=emu_w, h=emu_h, id=9704, name="版记",
                                           v='<wp:positionV relativeFrom="margin"><wp:align>bottom</wp:align></wp:positionV>'))
        content = anchor.find(".//" + qn("w:txbxContent"))
        for el in paragraphs:
            content.append(el)  # moved out of the body into the box
        holder = self._para(grid=False, exact_pt=1)
        run = holder.add_run()
        run._r.append(anchor)

    def write(self) -> bytes:
        d = self.d
        self._styles()
        section = self.docx.sections[0]
        self._setup_section(section)
        self.landscape = False
        self._footers(section)
        self._head()
        self._title(d.title, before_pt=0)
        if d.addressee:
            self._para()
            p = self._para(align="left")
            self._run(p, d.addressee)
        else:
            self._para()
        self._blocks(d.parts[0].blocks)
        if len(d.parts) > 1 or d.issuer or d.date or d.note:  # more to write: on a portrait page again
            self._portrait()
        self._attachment_note()
        self._signature()
        for part in d.parts[1:]:
            if self.landscape:
                self._new_section(False)
            p = self._para(align="left")
            p.paragraph_format.page_break_before = True
            self._run(p, f"附件{part.index}" if len(d.parts) > 2 else "附件", HEITI)
            self._para()
            self._title(part.title or "")
            self._para()
            self._blocks(part.blocks)
        if d.has_colophon:
            self._colophon()
        # python-docx's template leaves an empty first paragraph in some versions: nothing to drop here
        buf = io.BytesIO()
        self.docx.save(buf)
        return _rewrite(buf.getvalue(), {"word/fontTable.xml": _with_standard_fonts})


COLOPHON_LINE_PT, COLOPHON_PAD_PT = 20, 12


MM_EMU = 36000
_BOX_XML = (
    '<w:drawing xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="251659264" behindDoc="0" '
    'locked="1" layoutInCell="1" allowOverlap="0">'
    '<wp:simplePos x="0" y="0"/>'
    '<wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>'
    '{v}'
    '<wp:extent cx="{w}" cy="{h}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>'
    '<wp:docPr id="{id}" name="{name}"/><wp:cNvGraphicFramePr/>'
    '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    '<wps:wsp><wps:cNvSpPr txBox="1"/>'
    '<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{w}" cy="{h}"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>'
    '<wps:txbx><w:txbxContent></w:txbxContent></wps:txbx>'
    '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="b" anchorCtr="0">'
    '<a:noAutofit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>'
)


def _cc_lines(text: str) -> int:
    """Lines the 抄送 text takes at 4号 in the 版记 (1 字 in on both sides, later lines under the names)."""
    first = (BODY_W_MM * 72 / 25.4 - 2 * SMALL_PT) / SMALL_PT
    rest = first - 3
    width = text_width(text)
    return 1 + (0 if width <= first else int(-(-(width - first) // rest)))


def mark_size(mark: str, *, largest: float = 42) -> tuple[float, int]:
    """The 发文机关标志's size (pt) and horizontal scale (%): as large as ``largest`` (初号) while it fits
    the 版心 on one line, then narrowed (字符缩放) down to 60 %, then smaller."""
    avail = BODY_W_MM * 72 / 25.4 * 0.98
    width = max(text_width(mark), 1)
    if width * largest <= avail:
        return largest, 100
    scale = int(100 * avail / (width * largest))
    if scale >= 60:
        return largest, scale
    return round(avail / (width * 0.6), 1), 60


def _scale(run, percent: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    w = OxmlElement("w:w")
    w.set(qn("w:val"), str(percent))
    _place(run._r.get_or_add_rPr(), w)


def _title_lines(text: str, per_line: int = 18) -> list[str]:
    """A long title broken into centred lines of about equal width, at most ``per_line`` 字 each — the
    版心 holds 20 字 of 2号, but Latin digits and the spacing LibreOffice/Word put around them take more;
    no line starts with a closing mark."""
    text = text.strip()
    total = text_width(text)
    if total <= per_line:
        return [text]
    n = int(-(-total // per_line))
    while True:
        target = total / n
        lines, current, width = [], "", 0.0
        for ch in text:
            w = text_width(ch)
            if current and width + w > target + 0.01 and len(lines) < n - 1 and ch not in "）」”。，、；：》":
                lines.append(current)
                current, width = "", 0.0
            current += ch
            width += w
        lines.append(current)
        if all(text_width(line) <= per_line for line in lines) or n >= len(text):
            return lines
        n += 1


# -- PDF ----------------------------------------------------------------------------------------------


class ConversionError(RuntimeError):
    """LibreOffice could not make the PDF (missing, failed or timed out)."""


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


#: LibreOffice's character grid gives a 16 pt glyph two 15.79 pt cells (Word squeezes it into one), so the
#: copy it renders keeps the 22-line grid but sets the 28 characters by a −0.25 pt character spacing
#: (28 × 15.75 pt = 441 pt ≤ 442.2 pt of 版心; 29 would need 456.75 pt): the same lines as Word's.
LO_CHAR_SPACING_TWENTIETHS = -5


#: The font table's entries for the standard names: GB2312 charset (86) and the name a newer Windows has
#: (仿宋 for 仿宋_GB2312 …) as ``altName``, so Word substitutes the right face where the _GB2312 one is missing.
STANDARD_FONTS = ((FANGSONG, "仿宋", "modern"), (KAITI, "楷体", "modern"), (XIAOBIAOSONG, "宋体", "roman"),
                  (HEITI, "SimHei", "modern"), (SONGTI, "SimSun", "auto"))


def _with_standard_fonts(xml: bytes) -> bytes:
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/><w:family w:val="{family}"/>'
        f'<w:pitch w:val="variable"/></w:font>'
        for name, alt, family in STANDARD_FONTS if f'w:name="{name}"'.encode() not in xml)
    return xml.replace(b"</w:fonts>", entries.encode() + b"</w:fonts>")


def _rewrite(docx: bytes, edits: dict) -> bytes:
    """The .docx with the named parts passed through their functions (bytes → bytes)."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename in edits:
                data = edits[item.filename](data)
            dst.writestr(item, data)
    return out.getvalue()


def for_libreoffice(docx: bytes) -> bytes:
    """The .docx as LibreOffice should lay it out: the section grids as line grids and the 28-per-line
    character pitch as character spacing in the default run properties (see LO_CHAR_SPACING_TWENTIETHS);
    the Latin language English (a document written before said zh-CN, under which LibreOffice breaks
    inside a number: "3.\n00分")."""
    return _rewrite(docx, {
        "word/document.xml": lambda data: data.replace(b'w:type="linesAndChars"', b'w:type="lines"'),
        "word/styles.xml": lambda data: re.sub(rb"(<w:rPrDefault>\s*<w:rPr>\s*(?:<w:rFonts[^>]*/>)?)",
                                               rb'\1<w:spacing w:val="%d"/>' % LO_CHAR_SPACING_TWENTIETHS,
                                               data.replace(b'<w:lang w:val="zh-CN"', b'<w:lang w:val="en-US"'), count=1),
    })


def to_pdf(docx: bytes, *, timeout: float = 120) -> bytes:
    """The PDF of a .docx by LibreOffice headless: a fresh profile per call (-env:UserInstallation, so
    concurrent calls never share one), the project's fontconfig aliases, fonts embedded (LibreOffice's
    PDF export embeds the subsets it uses), killed after ``timeout`` seconds."""
    soffice = soffice_path()
    if not soffice:
        raise ConversionError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="kaohe-soffice-") as tmp:
        src = Path(tmp) / "document.docx"
        src.write_bytes(for_libreoffice(docx))
        profile = Path(tmp) / "profile"
        env = dict(os.environ, FONTCONFIG_FILE=str(FONTCONFIG), HOME=tmp, SAL_USE_VCLPLUGIN="svp")
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nologo",
               "--nodefault", "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export", "--outdir", tmp, str(src)]
        try:
            proc = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout, start_new_session=True)
        except subprocess.TimeoutExpired as exc:
            raise ConversionError(f"LibreOffice timed out after {timeout} s") from exc
        out = Path(tmp) / "document.pdf"
        if proc.returncode != 0 or not out.exists():
            raise ConversionError(f"LibreOffice failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-500:]}")
        return out.read_bytes()


__all__ = [
    "BODY_H_MM", "BODY_W_MM", "CHARS", "FANGSONG", "FONTCONFIG", "HEITI", "KAITI", "LINES", "NUMBER_RE", "SONGTI",
    "SUBSTITUTES", "XIAOBIAOSONG", "ConversionError", "Document", "cn_date", "cn_number", "doc_number",
    "heading_label", "soffice_path", "text_width", "to_pdf",
]
