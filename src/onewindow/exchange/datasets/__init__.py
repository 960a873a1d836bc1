"""The national 办件 data sets (GB/T 39046-2020 section 6) as one table: every data set the push
sends, each data item with its Chinese name, English key, type, maximum length, whether it is
required, its format or code set, and where its value comes from. The receiver's schema
(`schema()`), its checks (`problems()`) and docs/datasets.md (`markdown()`, written by
`onewindow exchange_datasets`) are all generated from this table and from nothing else.

Where the standard's own text could not be read here, the item or code is marked `verified=False`
in the table (and "未核对" in the documentation): it follows DOMAIN.md section 7 and the usage of
provincial platforms, and is to be checked against the published standard.

Standard library plus the project's validators only: the stand-in receiver runs on this."""

from onewindow.exchange.datasets.codes import CODE_SETS, CodeSet
from onewindow.exchange.datasets.docs import markdown
from onewindow.exchange.datasets.items import FORMATS, TYPES, DataSet, Item
from onewindow.exchange.datasets.schema import date, date_time, problems, schema
from onewindow.exchange.datasets.table import DATASETS

__all__ = [
    "CODE_SETS",
    "DATASETS",
    "FORMATS",
    "TYPES",
    "CodeSet",
    "DataSet",
    "Item",
    "date",
    "date_time",
    "markdown",
    "problems",
    "schema",
]
