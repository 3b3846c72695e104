"""``kaohe score | gap | robustness | quality`` — the engine's command line (no Django).

``kaohe score SCHEME VALUES [--units U] [--targets T] [--period P] --out DIR
[--format csv|xlsx|json|parquet] [--explain auto|full|compact]`` writes totals,
indicators, boards, stats, warnings and explain.json to DIR. Bad input: a message
naming the place on stderr, exit code 2, nothing written. ``gap``, ``robustness``
and ``quality`` are provided by their modules (``add_arguments(parser)`` and
``cli(args) -> int``).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

ANALYSIS = {
    "gap": ("kaohe.engine.gap", "gap analysis for a unit: points to the next rank, leader, tiers; --what-if"),
    "robustness": ("kaohe.engine.robustness", "Monte Carlo rank robustness over the scheme's choices"),
    "quality": ("kaohe.engine.quality", "data-quality screening of a values table"),
}


def add_score_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scheme", help="scheme file (.yaml or .json)")
    p.add_argument("values", help="values: unit,indicator,value[,period] (.csv, .xlsx, .parquet)")
    p.add_argument("--units", help="units: unit,name,group")
    p.add_argument("--targets", help="targets: unit,indicator,target[,period]")
    p.add_argument("--period", help="the period to score (default: the latest in VALUES)")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--format", default="csv", choices=("csv", "xlsx", "json", "parquet"),
                   help="table format (explain.json is always JSON)")
    p.add_argument("--explain", default="auto", choices=("auto", "full", "compact"),
                   help="explain.json with every unit's arithmetic (full), or rules and group inputs only "
                        "(compact); auto: full up to 200,000 scores")
    p.add_argument("--quiet", action="store_true", help="do not print warnings")


def cmd_score(args: argparse.Namespace) -> int:
    from kaohe.engine.data import read_table
    from kaohe.engine.errors import DataError, SchemeError
    from kaohe.engine.scheme import load_scheme
    from kaohe.engine.score import score

    try:
        scheme = load_scheme(args.scheme)
    except SchemeError as exc:
        for e in exc.errors:
            print(f"error: {e}", file=sys.stderr)
        return 2
    try:
        values = read_table(args.values)
        units = read_table(args.units) if args.units else None
        targets = read_table(args.targets) if args.targets else None
        result = score(scheme, values, units, targets, args.period, explain=args.explain)
    except DataError as exc:
        for e in exc.errors:
            print(f"error: {e}", file=sys.stderr)
        return 2
    try:
        result.write(args.out, args.format)
    except OSError as exc:
        print(f"error: cannot write to {args.out}: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # e.g. a table too long for an Excel sheet
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        table = result.warnings_table
        for message in table["message"].head(50).to_list():
            print(f"warning: {message}", file=sys.stderr)
        if table.height > 50:
            print(f"warning: … and {table.height - 50} more (see warnings.{args.format})", file=sys.stderr)
    t = result.totals
    groups = t["group"].n_unique() if t.height else 0
    print(f"scored {t.height} units in {groups} group(s) on {len(result.core.leaves)} indicators"
          + (f" for period {result.prepared.period}" if result.prepared.period else "")
          + f"; wrote {args.out}")
    return 0


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the module of ``command`` is imported (``kaohe score`` stays light)."""
    parser = argparse.ArgumentParser(prog="kaohe", description="kaohe scoring engine commands")
    sub = parser.add_subparsers(dest="command", required=True)
    add_score_arguments(sub.add_parser("score", help="score values under a scheme"))
    for name, (module, help_text) in ANALYSIS.items():
        sp = sub.add_parser(name, help=help_text)
        if name != command:
            continue
        mod = importlib.import_module(module)  # only the command being run is imported (fast `kaohe score`)
        adder = getattr(mod, "add_arguments", None)
        if adder is not None:
            adder(sp)
        sp.set_defaults(_module=mod)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv[0] if argv else None)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if args.command == "score":
        return cmd_score(args)
    return int(args._module.cli(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
