from django import forms

from onewindow.common.forms import DateInput
from onewindow.workdays.services import MAX_SCHEDULE_BYTES


class ScheduleForm(forms.Form):
    source = forms.CharField(
        label="依据（通知文号）",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "如：国办发明电〔2026〕X号"}),
    )
    text = forms.CharField(
        label="全年安排（每行：日期,休/班,名称）",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 14, "placeholder": "2027-10-01,休,国庆节\n2027-09-26,班,国庆节"}
        ),
    )
    file = forms.FileField(label="或上传文件（CSV，UTF-8）", required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_SCHEDULE_BYTES:
                raise forms.ValidationError("上传的文件过大（超过64KB），请检查是否选错了文件。")
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    "文件不是UTF-8编码的文本，请另存为UTF-8编码的CSV后再上传。"
                ) from None
        if not (data.get("text") or "").strip():
            raise forms.ValidationError("请填写全年安排，或上传安排文件。")
        return data


class DayForm(forms.Form):
    date = forms.DateField(label="日期", widget=DateInput())
    kind = forms.ChoiceField(
        label="更正为",
        choices=[
            ("", "普通日（按星期）"),
            ("holiday", "法定节假日（休息）"),
            ("adjusted", "调休上班"),
        ],
        required=False,
    )
    name = forms.CharField(label="名称", max_length=50, required=False)
    note = forms.CharField(label="更正原因", max_length=200)
