#!/usr/bin/env python3
"""Extract and compile kaohe's English message catalogues — pure Python, no GNU gettext.

Simplified Chinese is the source language (msgids are Chinese); English is the
translation. Each app owns ``kaohe/<app>/locale/en/LC_MESSAGES/django.po`` and
its compiled ``django.mo`` (both committed).

    scripts/i18n.py extract [app ...]   # scan templates and .py files, merge into django.po
    scripts/i18n.py compile [app ...]   # django.po -> django.mo (deterministic bytes)
    scripts/i18n.py check   [app ...]   # exit 1 if a msgstr is empty/fuzzy, a .mo is stale or English conflicts
    scripts/i18n.py missing [app ...]   # list the msgids still without English
    scripts/i18n.py conflicts           # list the (msgctxt, msgid) given different English by two catalogues

``app`` is an app directory name under ``kaohe/`` (``web``, ``projects``, …) or
``kaohe`` for the project package itself (settings, lib, management commands).
With no app, every app that already has a catalogue is processed; name an app
to start its catalogue.

Extraction understands ``{% translate %}``/``{% trans %}`` (with ``context``),
``{% blocktranslate %}``/``{% blocktrans %}`` (``count … plural``, ``context``,
``trimmed``), ``_("…")`` inside template tags and variables, and in Python the
functions imported from ``django.utils.translation`` (gettext, gettext_lazy,
pgettext, ngettext, npgettext, their lazy forms and gettext_noop, under any
alias such as ``_``). Merging keeps every existing msgstr; a new msgid takes the
English the other catalogues agree on; msgids no longer in the source are kept as
obsolete ``#~`` entries (not compiled).

Django merges every app's catalogue into one per language, and for a msgid two
apps both translate the first app in INSTALLED_APPS wins: the other app's page
shows the first app's English. So a (msgctxt, msgid) must have the same English
in every catalogue (``conflicts``). Where the meaning differs — a button (办结
"Resolve") beside a state (办结 "Resolved"), 分 glued to a number — the site
says so with a context (``pgettext("按钮", "办结")``, ``{% translate "办结"
context "按钮" %}``); the Chinese output is the msgid either way.
"""

from __future__ import annotations

import argparse
import ast
import re
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kaohe"
LANGUAGE = "en"
HEADER = (
    "Project-Id-Version: kaohe\n"
    "Language: en\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "Plural-Forms: nplurals=2; plural=(n != 1);\n"
)
SKIP_DIRS = {"migrations", "locale", "static", "__pycache__", "node_modules"}

# --------------------------------------------------------------------------------------------
# catalogue model


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])
    references: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    comments: list[str] = field(default_factory=list)  # translator comments ("# ...")
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return "fuzzy" not in self.flags and all(s.strip() for s in self.msgstr)


# --------------------------------------------------------------------------------------------
# .po reading and writing


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"{where}: expected a quoted string, got {text!r}")
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _quote(text: str) -> str:
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    return '"' + text.replace("\n", "\\n") + '"'


def read_po(path: Path) -> tuple[list[Entry], str]:
    """Entries (header excluded) and the header msgstr of a .po file."""
    entries: list[Entry] = []
    header = HEADER
    current: Entry | None = None
    field_name: str | None = None
    values: dict[str, str] = {}
    pending_refs: list[str] = []
    pending_flags: set[str] = set()
    pending_comments: list[str] = []
    obsolete = False

    def flush():
        nonlocal current, values, field_name, pending_refs, pending_flags, pending_comments, obsolete, header
        if "msgid" in values:
            plural_strs = sorted((k for k in values if k.startswith("msgstr[")), key=lambda k: int(k[7:-1]))
            entry = Entry(
                msgid=values["msgid"],
                msgid_plural=values.get("msgid_plural"),
                msgctxt=values.get("msgctxt"),
                msgstr=[values[k] for k in plural_strs] if plural_strs else [values.get("msgstr", "")],
                references=pending_refs,
                flags=pending_flags,
                comments=pending_comments,
                obsolete=obsolete,
            )
            if entry.msgid == "" and entry.msgctxt is None:
                header = entry.msgstr[0]
            else:
                entries.append(entry)
        current, values, field_name = None, {}, None
        pending_refs, pending_flags, pending_comments, obsolete = [], set(), [], False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path}:{number}"
        line = raw.strip()
        is_obsolete = line.startswith("#~")
        if is_obsolete:
            line = line[2:].strip()
        if not line:
            if values:
                flush()
            continue
        if line.startswith("#") and not is_obsolete:
            if values:
                flush()
            if line.startswith("#:"):
                pending_refs.extend(line[2:].split())
            elif line.startswith("#,"):
                pending_flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            elif line.startswith("# ") or line == "#":
                pending_comments.append(line[2:])
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr\[\d+\]|msgstr)\s+(.*)$", line)
        if match:
            name, rest = match.groups()
            if name in ("msgctxt", "msgid") and "msgid" in values:
                flush()
            if name == "msgctxt" and values:
                flush()
            field_name = name
            values[name] = _unquote(rest, where)
            obsolete = obsolete or is_obsolete
        elif line.startswith('"') and field_name:
            values[field_name] += _unquote(line, where)
        else:
            raise ValueError(f"{where}: cannot read {raw!r}")
    flush()
    return entries, header


def _po_field(name: str, value: str, prefix: str = "") -> str:
    if "\n" in value[:-1]:
        parts = value.splitlines(keepends=True)
        return f'{prefix}{name} ""\n' + "".join(f"{prefix}{_quote(p)}\n" for p in parts)
    return f"{prefix}{name} {_quote(value)}\n"


def write_po(path: Path, entries: list[Entry], header: str = HEADER) -> None:
    out = ["# English translation of kaohe (source language: Simplified Chinese).\n",
           "# Maintained with scripts/i18n.py; fill in every msgstr.\n",
           'msgid ""\n', 'msgstr ""\n']
    out.extend(f"{_quote(line)}\n" for line in header.splitlines(keepends=True))
    for entry in sorted(entries, key=lambda e: e.obsolete):
        out.append("\n")
        prefix = "#~ " if entry.obsolete else ""
        out.extend(f"# {c}\n" for c in entry.comments)
        if entry.references and not entry.obsolete:
            out.append("#: " + " ".join(entry.references) + "\n")
        flags = set(entry.flags)
        if entry.msgid_plural is None and "%(" in entry.msgid:
            flags.add("python-format")
        if flags:
            out.append("#, " + ", ".join(sorted(flags)) + "\n")
        if entry.msgctxt is not None:
            out.append(_po_field("msgctxt", entry.msgctxt, prefix))
        out.append(_po_field("msgid", entry.msgid, prefix))
        if entry.msgid_plural is not None:
            out.append(_po_field("msgid_plural", entry.msgid_plural, prefix))
            strs = entry.msgstr + [""] * (2 - len(entry.msgstr))
            for i, s in enumerate(strs):
                out.append(_po_field(f"msgstr[{i}]", s, prefix))
        else:
            out.append(_po_field("msgstr", entry.msgstr[0] if entry.msgstr else "", prefix))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(out), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# .mo compilation (GNU MO format, as CPython's Tools/i18n/msgfmt.py writes it)


def compile_mo(entries: list[Entry], header: str = HEADER) -> bytes:
    """The .mo bytes for the translated, non-fuzzy, non-obsolete entries, keys sorted."""
    messages: dict[bytes, bytes] = {b"": header.encode("utf-8")}
    for e in entries:
        if e.obsolete or not e.translated:
            continue
        key = e.msgid if e.msgid_plural is None else f"{e.msgid}\0{e.msgid_plural}"
        if e.msgctxt is not None:
            key = f"{e.msgctxt}\x04{key}"
        messages[key.encode("utf-8")] = "\0".join(e.msgstr).encode("utf-8")
    keys = sorted(messages)
    ids = strs = b""
    offsets = []
    for k in keys:
        offsets.append((len(ids), len(k), len(strs), len(messages[k])))
        ids += k + b"\0"
        strs += messages[k] + b"\0"
    keystart = 7 * 4 + 16 * len(keys)
    valuestart = keystart + len(ids)
    koffsets, voffsets = [], []
    for o1, l1, o2, l2 in offsets:
        koffsets += [l1, o1 + keystart]
        voffsets += [l2, o2 + valuestart]
    output = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0)
    output += struct.pack(f"{len(koffsets)}i", *koffsets) if koffsets else b""
    output += struct.pack(f"{len(voffsets)}i", *voffsets) if voffsets else b""
    return output + ids + strs


# --------------------------------------------------------------------------------------------
# extraction


@dataclass
class Found:
    msgid: str
    msgid_plural: str | None
    msgctxt: str | None
    where: str


TRANSLATION_FUNCS = {
    "gettext": "s", "gettext_lazy": "s", "gettext_noop": "s", "ugettext": "s", "ugettext_lazy": "s",
    "pgettext": "ps", "pgettext_lazy": "ps",
    "ngettext": "sp", "ngettext_lazy": "sp", "ungettext": "sp", "ungettext_lazy": "sp",
    "npgettext": "psp", "npgettext_lazy": "psp",
}


def _const_str(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _const_str(node.left), _const_str(node.right)
        if left is not None and right is not None:
            return left + right
    return None


def extract_python(path: Path, rel: str) -> list[Found]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: dict[str, str] = {}  # local name -> canonical function
    modules: set[str] = set()  # local names bound to django.utils.translation
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if alias.name in TRANSLATION_FUNCS:
                    names[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module == "django.utils":
            modules.update(a.asname or a.name for a in node.names if a.name == "translation")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "django.utils.translation" and alias.asname:
                    modules.add(alias.asname)
    found: list[Found] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = None
        if isinstance(node.func, ast.Name) and node.func.id in names:
            func = names[node.func.id]
        elif (isinstance(node.func, ast.Attribute) and node.func.attr in TRANSLATION_FUNCS
              and isinstance(node.func.value, ast.Name) and node.func.value.id in modules):
            func = node.func.attr
        if func is None:
            continue
        shape = TRANSLATION_FUNCS[func]
        args = [_const_str(a) for a in node.args[: len(shape)]]
        if len(args) < len(shape) or any(a is None for a in args):
            continue  # a variable, not a literal: nothing to extract
        ctxt = args[0] if shape.startswith("p") else None
        singular = args[1] if shape.startswith("p") else args[0]
        plural = args[-1] if shape.endswith("sp") else None
        found.append(Found(singular, plural, ctxt, rel))
    return found


_TEMPLATE_STRING = r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
INLINE_RE = re.compile(rf"^\s*trans(?:late)?\s+({_TEMPLATE_STRING})(.*)$", re.S)
CONTEXT_RE = re.compile(rf"\bcontext\s+({_TEMPLATE_STRING})")
BLOCK_RE = re.compile(r"^\s*blocktrans(?:late)?\b(.*)$", re.S)
END_BLOCK_RE = re.compile(r"^\s*endblocktrans(?:late)?\s*$")
PLURAL_RE = re.compile(r"^\s*plural\s*$")
CONSTANT_RE = re.compile(rf"_\(({_TEMPLATE_STRING})\)")
TRIM_RE = re.compile(r"\s*\n\s*")


def _template_literal(text: str) -> str:
    quote, body = text[0], text[1:-1]
    return body.replace("\\" + quote, quote).replace("\\\\", "\\")


def _block_msgid(parts: list[str], trimmed: bool) -> str:
    text = "".join(parts)
    return TRIM_RE.sub(" ", text.strip()) if trimmed else text


def extract_template(path: Path, rel: str) -> list[Found]:
    from django.template.base import Lexer, TokenType

    tokens = Lexer(path.read_text(encoding="utf-8")).tokenize()
    found: list[Found] = []
    i = 0
    in_comment = False
    while i < len(tokens):
        token = tokens[i]
        contents = token.contents
        if token.token_type == TokenType.BLOCK and contents.split()[:1] in (["comment"], ["endcomment"]):
            in_comment = contents.split()[0] == "comment"
        elif in_comment:
            pass
        elif token.token_type == TokenType.BLOCK:
            inline = INLINE_RE.match(contents)
            block = BLOCK_RE.match(contents)
            if inline and not re.search(r"\bnoop\b", inline.group(2)):
                ctx = CONTEXT_RE.search(inline.group(2))
                msgid = _template_literal(inline.group(1)).replace("%", "%%")
                found.append(Found(msgid, None, _template_literal(ctx.group(1)) if ctx else None, rel))
            elif block:
                options = block.group(1)
                ctx = CONTEXT_RE.search(options)
                trimmed = re.search(r"\btrimmed\b", options) is not None
                singular: list[str] = []
                plural: list[str] | None = None
                i += 1
                while i < len(tokens) and not (tokens[i].token_type == TokenType.BLOCK
                                               and END_BLOCK_RE.match(tokens[i].contents)):
                    t = tokens[i]
                    target = plural if plural is not None else singular
                    if t.token_type == TokenType.BLOCK and PLURAL_RE.match(t.contents):
                        plural = []
                    elif t.token_type == TokenType.TEXT:
                        target.append(t.contents.replace("%", "%%"))
                    elif t.token_type == TokenType.VAR:
                        target.append(f"%({t.contents.strip()})s")
                    elif t.token_type == TokenType.BLOCK:
                        raise ValueError(f"{rel}:{t.lineno}: no block tags allowed inside blocktranslate")
                    i += 1
                found.append(Found(_block_msgid(singular, trimmed),
                                   _block_msgid(plural, trimmed) if plural is not None else None,
                                   _template_literal(ctx.group(1)) if ctx else None, rel))
            else:
                for literal in CONSTANT_RE.findall(contents):
                    found.append(Found(_template_literal(literal).replace("%", "%%"), None, None, rel))
        elif token.token_type == TokenType.VAR:
            for literal in CONSTANT_RE.findall(contents):
                found.append(Found(_template_literal(literal).replace("%", "%%"), None, None, rel))
        i += 1
    return found


def app_dir(app: str) -> Path:
    return PACKAGE if app == "kaohe" else PACKAGE / app


def _is_app(path: Path) -> bool:
    return (path / "apps.py").exists()


def source_files(app: str) -> list[Path]:
    """The .py and .html/.txt template files that belong to ``app``.

    For ``kaohe`` (the project package) that is everything under kaohe/ that is
    not inside one of the sub-apps (directories with an apps.py).
    """
    base = app_dir(app)
    files: list[Path] = []

    def walk(directory: Path, top: bool):
        for child in sorted(directory.iterdir()):
            if child.is_dir():
                if child.name in SKIP_DIRS or child.name.startswith("."):
                    continue
                if app == "kaohe" and top is False and _is_app(child):
                    continue
                if app == "kaohe" and directory == PACKAGE and _is_app(child):
                    continue
                walk(child, False)
            elif child.suffix == ".py" or (child.suffix in (".html", ".txt", ".xml") and "templates" in child.parts):
                files.append(child)

    walk(base, True)
    return files


def extract(app: str) -> list[Found]:
    found: list[Found] = []
    for path in source_files(app):
        rel = str(path.relative_to(ROOT))
        if path.suffix == ".py":
            found.extend(extract_python(path, rel))
        else:
            found.extend(extract_template(path, rel))
    return found


def po_path(app: str) -> Path:
    return app_dir(app) / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po"


def english_elsewhere(app: str) -> dict[tuple[str | None, str], list[str]]:
    """(msgctxt, msgid) -> msgstr as the other apps' catalogues agree on it (keys they disagree on left out)."""
    found: dict[tuple[str | None, str], set[tuple[str, ...]]] = {}
    for other in all_apps(with_catalogue=True):
        if other != app:
            for e in read_po(po_path(other))[0]:
                if not e.obsolete and e.translated:
                    found.setdefault(e.key, set()).add(tuple(e.msgstr))
    return {key: list(next(iter(strs))) for key, strs in found.items() if len(strs) == 1}


def merge(app: str) -> tuple[int, int, int]:
    """Merge the app's extracted msgids into its .po; returns (total, new, untranslated).

    A new msgid another catalogue already translates takes that English, so the merged
    catalogues keep one wording (a different meaning wants a context at the site).
    """
    path = po_path(app)
    old_entries, header = read_po(path) if path.exists() else ([], HEADER)
    old = {e.key: e for e in old_entries}
    elsewhere = english_elsewhere(app)
    merged: dict[tuple, Entry] = {}
    new = 0
    for f in extract(app):
        key = (f.msgctxt, f.msgid)
        entry = merged.get(key)
        if entry is None:
            previous = old.get(key)
            entry = Entry(msgid=f.msgid, msgid_plural=f.msgid_plural, msgctxt=f.msgctxt,
                          msgstr=list(previous.msgstr) if previous else ([""] if f.msgid_plural is None else ["", ""]),
                          flags={fl for fl in (previous.flags if previous else set()) if fl != "python-format"},
                          comments=list(previous.comments) if previous else [])
            if previous is None:
                new += 1
                if len(elsewhere.get(key, [])) == len(entry.msgstr):
                    entry.msgstr = list(elsewhere[key])
            elif f.msgid_plural is not None and len(entry.msgstr) < 2:
                entry.msgstr += [""] * (2 - len(entry.msgstr))
            merged[key] = entry
        if f.where not in entry.references:
            entry.references.append(f.where)
    obsolete = [Entry(msgid=e.msgid, msgid_plural=e.msgid_plural, msgctxt=e.msgctxt, msgstr=e.msgstr,
                      flags=e.flags, comments=e.comments, obsolete=True)
                for key, e in old.items() if key not in merged and any(s for s in e.msgstr)]
    entries = list(merged.values()) + obsolete
    if entries or path.exists():
        write_po(path, entries, header)
    untranslated = sum(1 for e in merged.values() if not e.translated)
    return len(merged), new, untranslated


def compile_app(app: str) -> Path | None:
    path = po_path(app)
    if not path.exists():
        return None
    entries, header = read_po(path)
    mo = path.with_suffix(".mo")
    mo.write_bytes(compile_mo(entries, header))
    return mo


def all_apps(with_catalogue: bool) -> list[str]:
    apps = ["kaohe"] + sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and _is_app(p))
    return [a for a in apps if po_path(a).exists()] if with_catalogue else apps


def problems(app: str) -> list[str]:
    """Untranslated/fuzzy msgids and a stale .mo, for ``check`` and the test suite."""
    path = po_path(app)
    entries, header = read_po(path)
    issues = [f"{path.relative_to(ROOT)}: no English for {e.msgid!r}" for e in entries
              if not e.obsolete and not e.translated]
    mo = path.with_suffix(".mo")
    if not mo.exists() or mo.read_bytes() != compile_mo(entries, header):
        issues.append(f"{mo.relative_to(ROOT)}: stale or missing — run scripts/i18n.py compile {app}")
    return issues


def conflicts(apps: list[str] | None = None,
              catalogues: dict[str, list[Entry]] | None = None) -> dict[tuple[str | None, str], dict[str, tuple[str, ...]]]:
    """(msgctxt, msgid) -> {app: msgstr} for every key two catalogues translate differently.

    ``catalogues`` (app -> entries) defaults to the apps' django.po files. Only live,
    translated entries count (obsolete and fuzzy ones are never compiled).
    """
    if catalogues is None:
        catalogues = {app: read_po(po_path(app))[0] for app in apps or all_apps(with_catalogue=True)}
    seen: dict[tuple[str | None, str], dict[str, tuple[str, ...]]] = {}
    for app, entries in catalogues.items():
        for e in entries:
            if not e.obsolete and e.translated:
                seen.setdefault(e.key, {})[app] = tuple(e.msgstr)
    return {key: by_app for key, by_app in sorted(seen.items(), key=lambda kv: (kv[0][0] or "", kv[0][1]))
            if len(set(by_app.values())) > 1}


def untranslated_uses(app: str) -> list[str]:
    """The msgids the app's templates and code use that its catalogue has no English for.

    An entry that is missing (extract not re-run), fuzzy or empty all show the Chinese
    on the English page. Needs Django set up (the template lexer).
    """
    path = po_path(app)
    english = {e.key for e in read_po(path)[0] if not e.obsolete and e.translated} if path.exists() else set()
    missing = {}
    for f in extract(app):
        if (f.msgctxt, f.msgid) not in english:
            missing.setdefault((f.msgctxt, f.msgid), f.where)
    return [f"{where}: no English for {msgid!r}" + (f" (context {ctxt!r})" if ctxt is not None else "")
            for (ctxt, msgid), where in missing.items()]


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure()  # the template lexer needs settings, not a database
    django.setup()


def conflict_lines(found: dict[tuple[str | None, str], dict[str, tuple[str, ...]]]) -> list[str]:
    lines = []
    for (ctxt, msgid), by_app in found.items():
        groups: dict[tuple[str, ...], list[str]] = {}
        for app, msgstr in by_app.items():
            groups.setdefault(msgstr, []).append(app)
        said = " | ".join(f"{' / '.join(s)!r}: {', '.join(a)}" for s, a in groups.items())
        lines.append(f"{msgid!r}" + (f" (context {ctxt!r})" if ctxt is not None else "") + f" — {said}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("extract", "compile", "check", "missing", "conflicts"))
    parser.add_argument("apps", nargs="*", help="app directory names under kaohe/, or 'kaohe'")
    args = parser.parse_args(argv)
    for app in args.apps:
        if not app_dir(app).is_dir():
            parser.error(f"no app directory kaohe/{app}")
    if args.command == "extract":
        _setup_django()
        for app in args.apps or all_apps(with_catalogue=True):
            total, new, untranslated = merge(app)
            if total or po_path(app).exists():
                print(f"{app}: {total} messages, {new} new, {untranslated} without English -> {po_path(app).relative_to(ROOT)}")
        return 0
    apps = args.apps or all_apps(with_catalogue=True)
    if args.command == "compile":
        for app in apps:
            mo = compile_app(app)
            print(f"{app}: {'compiled ' + str(mo.relative_to(ROOT)) if mo else 'no catalogue'}")
        return 0
    if args.command == "missing":
        for app in apps:
            for e in read_po(po_path(app))[0] if po_path(app).exists() else []:
                if not e.obsolete and not e.translated:
                    print(f"{app}\t{e.msgid}")
        return 0
    if args.command == "conflicts":
        lines = conflict_lines(conflicts(apps))
        print("\n".join(lines) if lines else "no msgid has two English wordings")
        return 1 if lines else 0
    _setup_django()
    failures = [issue for app in apps for issue in problems(app) + untranslated_uses(app)]
    failures += [f"different English in two catalogues: {line}" for line in conflict_lines(conflicts(apps))]
    print("\n".join(failures) if failures else f"catalogues complete: {', '.join(apps)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
