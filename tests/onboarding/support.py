"""Files to import, written as a clerk fills in the template."""

import openpyxl


def xlsx(path, headers, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # typed text, not a formula: what a clerk's “'=…” cell holds
    book.save(path)
    return path


def read_template(content: bytes, tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(content)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    return [cell.value for cell in sheet[1]], [cell.value for cell in sheet[2]], path
