"""Documents an office attaches to its decisions, built from the stored results: a unit's
scoring table (*bảng tổng hợp kết quả tự đánh giá, thẩm định*, Word and PDF) and a cycle's
ranking annex (*phụ lục kết quả Chỉ số CCHC*, Word, Excel and PDF).

Each document is built once as a format-free table (``tables.Document``) by ``scoring`` or
``annex``; the writers (``write_docx``, ``write_pdf``, ``write_xlsx``) only lay that table out,
so the formats of one document cannot disagree."""
