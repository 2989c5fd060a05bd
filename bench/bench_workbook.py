"""Workbook benchmark: exports the briefing workbook of a large generated council (by default 12
objectives, 60 sub-strands, 1,200 KPIs over 20 quarters, made up and flagged synthetic) and prints
its time beside the time openpyxl alone takes to write the same cells in the same process; then the
return template, and an import of an edited template (preview, then save).

The data goes into a throwaway SQLite database in a temporary directory (never db.sqlite3), which
is deleted afterwards.

    .venv/bin/python bench/bench_workbook.py [--kpis 1200] [--quarters 20] [--repeat 3]
"""
import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def timed(fn, repeat):
    """(median seconds, last result) over `repeat` runs."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def cells_of(content):
    """Every sheet's cell values, as openpyxl reads them back: [(title, [row, …]), …]."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    sheets = [(ws.title, [list(row) for row in ws.iter_rows(values_only=True)]) for ws in wb.worksheets]
    wb.close()
    return sheets


def openpyxl_alone(sheets):
    """openpyxl writing the same values into a new workbook and saving it: the floor for the export."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def largest_ratio(content):
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return max(e.file_size / max(e.compress_size, 1) for e in zf.infolist())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--objectives", type=int, default=12)
    parser.add_argument("--sub-strands", type=int, default=60)
    parser.add_argument("--kpis", type=int, default=1200)
    parser.add_argument("--quarters", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="ses-bench-workbook-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sefton_ses.settings")
    os.environ["DEBUG"] = "false"
    try:
        import django

        django.setup()
        from django.conf import settings

        assert str(settings.DATABASES["default"]["NAME"]).startswith(tmp), "refusing to touch a real database"
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from large_council import generate

        start = time.perf_counter()
        made = generate(objectives=args.objectives, sub_strands=args.sub_strands, kpis=args.kpis, quarters=args.quarters)
        print(f"Generated in {time.perf_counter() - start:.1f} s: {made}")

        import openpyxl
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from objectives.models import ReportingPeriod
        from reporting.demo import create_demo_users
        from reporting.workbooks.data import workbook_data
        from reporting.workbooks.export import export_briefing_workbook
        from reporting.workbooks.imports import apply_import, preview_import
        from reporting.workbooks.template import return_template_bytes

        users = create_demo_users()
        coordinator = users["coordinator"]
        published = ReportingPeriod.objects.filter(state="published").order_by("-financial_year", "-number").first()
        open_period = ReportingPeriod.objects.get(state="open")

        with CaptureQueriesContext(connection) as queries:
            workbook_data(period=published, user=coordinator)
        t_data, _ = timed(lambda: workbook_data(period=published, user=coordinator), args.repeat)
        t_export, content = timed(lambda: export_briefing_workbook(period=published, user=coordinator), args.repeat)
        sheets = cells_of(content)
        cells = sum(len(row) for _, rows in sheets for row in rows)
        t_alone, plain = timed(lambda: openpyxl_alone(sheets), args.repeat)

        t_template, template = timed(lambda: return_template_bytes(period=open_period, user=coordinator), args.repeat)
        wb = openpyxl.load_workbook(io.BytesIO(template))
        edited = 0
        for ws in wb.worksheets:
            headings = [c.value for c in ws[3]]
            if open_period.label in headings and "KPI id" in headings:
                column = headings.index(open_period.label) + 1
                for row in range(4, 4 + 5):
                    ws.cell(row=row, column=column, value=1000 + row)
                    edited += 1
        buffer = io.BytesIO()
        wb.save(buffer)
        edited_bytes = buffer.getvalue()
        start = time.perf_counter()
        preview = preview_import(period=open_period, user=coordinator, content=edited_bytes, filename="t.xlsx")
        t_preview = time.perf_counter() - start
        start = time.perf_counter()
        result = apply_import(period=open_period, user=coordinator, plan=preview.plan())
        t_apply = time.perf_counter() - start
        start = time.perf_counter()
        unchanged = preview_import(period=published, user=coordinator, content=content, filename="b.xlsx")
        t_roundtrip = time.perf_counter() - start
        assert not unchanged.has_changes

        print()
        print(f"Briefing workbook of {published.label}: {len(sheets)} sheets, {cells:,} cells, {len(content) / 1024:,.0f} KB, "
              f"{len(queries)} queries to read its data")
        print(f"  {'export (read + write + save)':<46}{t_export * 1000:>9.0f} ms")
        print(f"  {'  of which reading the data':<46}{t_data * 1000:>9.0f} ms")
        print(f"  {'openpyxl alone, same cells, no styles':<46}{t_alone * 1000:>9.0f} ms   ({len(plain) / 1024:,.0f} KB)")
        print(f"  {'export / openpyxl alone':<46}{t_export / t_alone:>9.2f} x")
        print(f"  largest compression ratio of a part: {largest_ratio(content):.0f} (the import refuses over 100 for parts over 1 MB)")
        print(f"Return template of {open_period.label} ({len(template) / 1024:,.0f} KB): {t_template * 1000:.0f} ms; "
              f"largest ratio {largest_ratio(template):.0f}")
        print(f"Import of the template with {edited} edited cells: preview {t_preview * 1000:.0f} ms, "
              f"save {t_apply * 1000:.0f} ms ({len(result.returns)} returns, {result.cells} cells)")
        print(f"Import of the unchanged briefing workbook (nothing to change): {t_roundtrip * 1000:.0f} ms")
        print(f"(median of {args.repeat} runs where repeated; Python {sys.version.split()[0]}, openpyxl {openpyxl.__version__}, "
              f"SQLite)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
