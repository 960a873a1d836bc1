"""Seed the official schedules of 2004-2026 from chinesecalendar (the State Council notices)."""

from django.db import migrations

NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节", "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def seed(apps, schema_editor):
    import chinese_calendar as cc

    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarRevision = apps.get_model("workdays", "CalendarRevision")
    years = sorted({d.year for d in cc.holidays})
    days = [CalendarDay(date=d, kind="holiday", name=NAMES.get(n, n)) for d, n in cc.holidays.items()]
    days += [CalendarDay(date=d, kind="adjusted", name=NAMES.get(n, n)) for d, n in cc.workdays.items()]
    CalendarDay.objects.bulk_create(days, batch_size=500)
    source = "国务院办公厅历年部分节假日安排的通知（据 chinesecalendar 数据导入）"
    CalendarYear.objects.bulk_create(CalendarYear(year=y, source=source) for y in years)
    CalendarRevision.objects.create(action="seed", year=years[-1],
                                    detail={"years": [years[0], years[-1]], "days": len(days)})


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
