"""Builders for hostile and habit-laden uploads, made in the test: raw .xlsx XML, .ods, zip bombs, CSV text."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

from finance.ingest.locate import column_letter
from finance.ingest.read import Upload


@dataclass(frozen=True)
class Formula:
    text: str  # without the leading =
    cached: object = None  # None: no saved result


@dataclass(frozen=True)
class Pct:
    value: float  # as stored: 0.08 shows as 8%


@dataclass(frozen=True)
class Err:
    text: str


def _cell(ref: str, value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Formula):
        cached = "" if value.cached is None else f"<v>{value.cached}</v>"
        kind = ' t="str"' if isinstance(value.cached, str) else ""
        return f'<c r="{ref}"{kind}><f>{escape(value.text)}</f>{cached}</c>'
    if isinstance(value, Pct):
        return f'<c r="{ref}" s="1"><v>{value.value!r}</v></c>'
    if isinstance(value, Err):
        return f'<c r="{ref}" t="e"><v>{escape(value.text)}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def sheet_xml(rows: list[list[object]], extra: dict[str, object] | None = None) -> str:
    """A worksheet's XML from rows written from A1, plus cells at any reference (``{"XFD1048576": "x"}``)."""
    lines = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{column_letter(c)}{r}", v) for c, v in enumerate(row))
        lines.append(f'<row r="{r}">{cells}</row>')
    for ref, value in (extra or {}).items():
        number = int("".join(ch for ch in ref if ch.isdigit()))
        lines.append(f'<row r="{number}">{_cell(ref, value)}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + "".join(lines)
        + "</sheetData></worksheet>"
    )


HIDDEN = ' state="hidden"'


def raw_workbook(
    sheets: dict[str, list[list[object]]],
    *,
    hidden: tuple[str, ...] = (),
    recalc: bool = False,
    extra: dict[str, dict[str, object]] | None = None,
    parts: dict[str, bytes] | None = None,
) -> bytes:
    """A minimal but complete .xlsx, written as Excel writes one (cached formula values, a % style)."""
    names = list(sheets)
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        + "".join(
            f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"{HIDDEN if n in hidden else ""}/>' for i, n in enumerate(names, start=1)
        )
        + "</sheets>"
        + ('<calcPr calcId="191029" fullCalcOnLoad="1"/>' if recalc else '<calcPr calcId="191029"/>')
        + "</workbook>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(names) + 1)
        )
        + f'<Relationship Id="rId{len(names) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>'
    )
    styles = (
        '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="9" applyNumberFormat="1"/></cellXfs></styleSheet>'
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        archive.writestr("xl/styles.xml", styles)
        for i, name in enumerate(names, start=1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", sheet_xml(sheets[name], (extra or {}).get(name)))
        for path, data in (parts or {}).items():
            archive.writestr(path, data)
    return buffer.getvalue()


def ods_workbook(sheets: dict[str, list[list[object]]], *, hidden: tuple[str, ...] = ()) -> bytes:
    """A LibreOffice .ods: numbers as float, Pct as percentage, Formula with its saved value."""

    def cell(value: object) -> str:
        if value is None or value == "":
            return "<table:table-cell/>"
        if isinstance(value, Pct):
            return f'<table:table-cell office:value-type="percentage" office:value="{value.value!r}"><text:p>{value.value * 100:g}%</text:p></table:table-cell>'
        if isinstance(value, Formula):
            if value.cached is None:
                return f'<table:table-cell table:formula="of:={escape(value.text)}"/>'
            return (
                f'<table:table-cell table:formula="of:={escape(value.text)}" office:value-type="float" office:value="{value.cached}">'
                f"<text:p>{value.cached}</text:p></table:table-cell>"
            )
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f'<table:table-cell office:value-type="float" office:value="{value!r}"><text:p>{value}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    tables = []
    for name, rows in sheets.items():
        style = ' table:style-name="hiddentable"' if name in hidden else ""
        body = "".join(
            "<table:table-row>"
            + "".join(cell(v) for v in row)
            + '<table:table-cell table:number-columns-repeated="1000"/></table:table-row>'
            for row in rows
        )
        tables.append(
            f'<table:table table:name="{escape(name)}"{style}>{body}<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>'
        )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0">'
        '<office:automatic-styles><style:style style:name="hiddentable" style:family="table"><style:table-properties table:display="false"/>'
        "</style:style></office:automatic-styles><office:body><office:spreadsheet>"
        + "".join(tables)
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def bomb(name: str, megabytes: float, *, filler: bytes = b" ") -> Upload:
    """A workbook whose one sheet part unpacks to ``megabytes`` of filler (written in chunks: little memory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", '<workbook><sheets><sheet name="practices" r:id="rId1"/></sheets></workbook>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = filler * (1 << 20)
            for _ in range(int(megabytes)):
                part.write(chunk)
    return Upload(name, buffer.getvalue())
