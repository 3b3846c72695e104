"""``kaohe calendar``: the working-day calendar (工作日历) — import a year, show a year.

    kaohe calendar import 2026.xlsx [--year 2026]   replace that year's holidays and 调休
    kaohe calendar import --shipped 2026            the State Council list shipped with kaohe
    kaohe calendar show 2025                        list the year's holidays and make-up days
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.lib.tabular import TabularError
from kaohe.orgs import calendar
from kaohe.orgs.models import WorkCalendarDay


class Command(BaseCommand):
    help = "工作日历: import one year's public holidays and make-up working days, or show a year."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="replace one year's days from a .csv/.xlsx (日期, 类型, 说明)")
        imp.add_argument("file", nargs="?", help="the table to import")
        imp.add_argument("--year", type=int, help="the year the table must cover")
        imp.add_argument("--shipped", type=int, metavar="YEAR", help="load kaohe/orgs/calendars/YEAR.csv")
        show = sub.add_parser("show", help="list a year's holidays and make-up working days")
        show.add_argument("year", type=int)

    def handle(self, *args, **options):
        if options["action"] == "show":
            return self._show(options["year"])
        if options["shipped"]:
            if options["shipped"] not in calendar.shipped_years():
                raise CommandError(f"没有随系统提供的{options['shipped']}年日历（有：{calendar.shipped_years()}）")
            path = calendar.SHIPPED / f"{options['shipped']}.csv"
        elif options["file"]:
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"{path}：文件不存在")
        else:
            raise CommandError("请给出要导入的文件，或 --shipped 年份")
        try:
            year, count = calendar.import_year(path.name, path.read_bytes(), options["year"] or options["shipped"])
        except TabularError as exc:
            raise CommandError("日历未导入：\n" + "\n".join(exc.texts())) from None
        record(AuditAction.IMPORT, None, object_type=WorkCalendarDay, object_repr=f"{year}年工作日历",
               after={"year": year, "days": count, "file": path.name})
        self.stdout.write(self.style.SUCCESS(f"{year}年工作日历：已导入{count}天（放假与调休上班）"))

    def _show(self, year: int) -> None:
        days = WorkCalendarDay.objects.filter(date__year=year)
        if not days:
            self.stdout.write(f"{year}年尚未导入节假日：只按周六、周日休息计算")
            return
        for day in days:
            self.stdout.write(f"{day.date:%Y-%m-%d} {'上班' if day.is_workday else '放假'} {day.note}")
