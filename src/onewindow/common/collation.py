"""Text compared by code point, whatever the database's locale.

The case search reads "starts with" as a range, `p <= s < p'` (p' is p with its last character's
successor), which holds only under a code-point order: SQLite's BINARY (its only order for text)
and PostgreSQL's "C". A PostgreSQL database created with another locale (`createdb` takes the
server's: en_US, zh_CN...) orders digits after punctuation and Chinese by pinyin, and the ranges
find nothing. `CodePoint(expr)` says the order explicitly; an index built on the same expression
serves the comparison (PostgreSQL uses an index only for the collation it was built with)."""

from django.db.models import CharField, Func


class CodePoint(Func):
    """`expr COLLATE "C"` on PostgreSQL; `expr` on SQLite, whose BINARY is already code-point
    order (it has no collation named "C")."""

    arity = 1
    template = "%(expressions)s"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template='%(expressions)s COLLATE "C"', **extra_context
        )
