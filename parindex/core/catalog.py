"""The catalog of messages: each code with its Vietnamese and English text.

Parameters are named; ``Message.render`` formats numbers and bilingual values for the reader.
A test checks that both texts of every entry name the same parameters.
"""

from __future__ import annotations

CATALOG: dict[str, tuple[str, str]] = {
    # -- reading numbers ----------------------------------------------------------------------
    "number.comma": (
        "dùng dấu chấm '.' làm dấu thập phân trong tệp dữ liệu: viết {suggestion}",
        "use '.' as the decimal separator: write {suggestion}",
    ),
    "number.exponent": (
        "không dùng dạng lũy thừa (e): viết số đầy đủ",
        "exponents are not allowed: write the number out in full",
    ),
    "number.negative": ("không được là số âm", "must not be negative"),
    "number.not_a_number": ("không phải là số", "is not a number"),
    "value.too_long": (
        "quá dài: một số có tối đa {limit} ký tự",
        "is too long: a number has at most {limit} characters",
    ),
    # -- values a rule cannot take -----------------------------------------------------------
    "value.rejected": ("quy tắc {rule}: {reason}", "{rule} rule: {reason}"),
    "value.na_not_allowed": (
        "tiêu chí này không cho phép trả lời «không áp dụng»",
        "this leaf does not allow n/a",
    ),
    "value.points_range": ("phải nằm trong khoảng [0, {max}]", "must lie in [0, {max}]"),
    "value.points_step": ("phải là bội số của {step}", "must be a multiple of {step}"),
    "value.choice_unknown": (
        "không phải là một phương án của tiêu chí; các phương án: {options}",
        "is not one of the options: {options}",
    ),
    "value.yes_no": (
        "phải là có/không (yes/no, true/false, 1/0)",
        "must be yes/no, có/không, true/false or 1/0",
    ),
    "value.ratio_thousands": (
        "{term}: dấu chấm ở đây có thể là dấu phân cách hàng nghìn; viết số không có dấu "
        "phân cách ({whole}) hoặc bỏ các số 0 ở cuối phần thập phân ({trimmed})",
        "{term}: the dot may be a thousands separator; write the number without separators "
        "({whole}) or without the trailing zeros ({trimmed})",
    ),
    "value.ratio_zero_denominator": (
        "mẫu số phải lớn hơn 0",
        "the denominator must be greater than 0",
    ),
    "value.ratio_plain_above_one": (
        "một tỷ lệ viết dạng số thập phân phải nằm trong [0, 1]: viết {percent}% hoặc a/b",
        "a plain ratio must lie in [0, 1]: write {percent}% or a fraction a/b",
    ),
    "value.ratio_above_max_percent": (
        "tỷ lệ {ratio} vượt quá mức tối đa {limit}% của tiêu chí (tử số không thể lớn hơn "
        "mẫu số ở đây); kiểm tra lại số liệu",
        "the ratio {ratio} exceeds this leaf's limit of {limit}% (the numerator cannot exceed "
        "the denominator here); check the figures",
    ),
    "value.count_digits": (
        "phải là số nguyên viết bằng chữ số (0, 1, 2, …)",
        "must be a whole number written with digits (0, 1, 2, …)",
    ),
    "value.survey_range": (
        "kết quả khảo sát phải nằm trong [0, 100] %",
        "a survey result must lie in [0, 100] %",
    ),
    # -- framework file (docs/formats.md §1) -------------------------------------------------
    "fw.not_mapping": ("tệp phải là một ánh xạ các khóa", "the file must be a mapping of keys"),
    "fw.leaf_needs_max": ("một tiêu chí lá cần 'max'", "a leaf needs 'max'"),
    "fw.missing_key": ("thiếu khóa '{key}'", "missing key '{key}'"),
    "fw.format": (
        "format phải là '{expected}', gặp {found}",
        "format must be '{expected}', found {found}",
    ),
    "fw.code_chars": (
        "mã {code} chỉ được dùng a-z, 0-9 và '-'",
        "code {code} must use only a-z, 0-9 and '-'",
    ),
    "fw.rounding": (
        "rounding phải là 1, 0.1, 0.01, 0.001 …, gặp {found}",
        "rounding must be 1, 0.1, 0.01, 0.001 …, found {found}",
    ),
    "fw.non_empty_list": (
        "{key} phải là một danh sách không rỗng",
        "{key} must be a non-empty list",
    ),
    "fw.list": ("{key} phải là một danh sách", "{key} must be a list"),
    "fw.unknown_key": (
        "khóa lạ '{key}' (khóa mở rộng bắt đầu bằng 'x-')",
        "unknown key '{key}' (extensions start with 'x-')",
    ),
    "fw.quote_it": (
        '{key} phải là chuỗi ký tự (đặt trong ngoặc kép: "{found}")',
        '{key} must be a string (quote it: "{found}")',
    ),
    "fw.string": ("{key} phải là chuỗi ký tự", "{key} must be a string"),
    "fw.empty": ("{key} không được để trống", "{key} must not be empty"),
    "fw.text": ("{key} phải là văn bản", "{key} must be text"),
    "fw.title_lang": ("{key} phải là văn bản không rỗng", "{key} must be non-empty text"),
    "fw.title_needs_lang": ("{key} cần 'vi' hoặc 'en'", "{key} needs 'vi' or 'en'"),
    "fw.title_form": (
        "{key} phải là văn bản hoặc {{vi: …, en: …}}",
        "{key} must be text or {{vi: …, en: …}}",
    ),
    "fw.number": ("{key} phải là một số", "{key} must be a number"),
    "fw.bad_number": ("{key} {found}: {reason}", "{key} {found}: {reason}"),
    "fw.boolean": ("{key} phải là true hoặc false", "{key} must be true or false"),
    "fw.one_of": (
        "{key} {found} không hợp lệ; phải là một trong: {allowed}",
        "{key} {found} is not one of {allowed}",
    ),
    "fw.codes_only": ("{key} chỉ chứa các mã dạng văn bản", "{key} holds text codes only"),
    "fw.listed_twice": ("{key} liệt kê '{code}' hai lần", "{key} lists '{code}' twice"),
    "fw.unit_type_form": (
        "mỗi loại đơn vị là một mã hoặc {{code: …, title: …}}",
        "a unit type is a code or {{code: …, title: …}}",
    ),
    "fw.band_form": (
        "một mức xếp loại là ánh xạ {{code, min, title}}",
        "a band must be a mapping {{code, min, title}}",
    ),
    "fw.band_twice": ("mã xếp loại '{code}' dùng hai lần", "band code '{code}' is used twice"),
    "fw.band_order": (
        "min của các mức xếp loại phải giảm dần",
        "band mins must strictly decrease",
    ),
    "fw.node_form": (
        "một mục phải là ánh xạ có code và title",
        "a node must be a mapping with code and title",
    ),
    "fw.code_twice": (
        "mã '{code}' dùng hai lần (lần đầu ở dòng {first})",
        "code '{code}' is used twice (first at line {first})",
    ),
    "fw.kind_top_only": (
        "kind chỉ đặt ở các mục cấp cao nhất",
        "kind may be set on top-level nodes only",
    ),
    "fw.applies_to_unknown": (
        "loại đơn vị '{type}' của applies_to không có trong unit_types ({types})",
        "applies_to type '{type}' is not in unit_types ({types})",
    ),
    "fw.positive": ("{key} phải lớn hơn 0", "{key} must be greater than 0"),
    "fw.multiple_of_rounding": (
        "{key} {found} phải là bội số của mức làm tròn {rounding}",
        "{key} {found} must be a multiple of rounding {rounding}",
    ),
    "fw.children_or_rule": (
        "một mục có children hoặc rule (đúng một trong hai)",
        "a node has either children or a rule (exactly one)",
    ),
    "fw.allow_na_normal": (
        "allow_na chỉ dành cho tiêu chí thuộc khối thông thường",
        "allow_na is only for leaves of normal nodes",
    ),
    "fw.allow_na_leaf": ("allow_na chỉ dành cho tiêu chí lá", "allow_na is only for leaves"),
    "fw.cap_above_children": (
        "max {max} vượt tổng điểm các mục con {total}",
        "max {max} exceeds the children's sum {total}",
    ),
    "fw.rule_form": ("rule phải là ánh xạ có type", "rule must be a mapping with a type"),
    "fw.rule_type": (
        "loại quy tắc {found} không hợp lệ; phải là một trong: {allowed}",
        "rule type {found} is not one of {allowed}",
    ),
    "fw.points_above_max": (
        "{key} {found} vượt điểm tối đa của tiêu chí {max}",
        "{key} {found} exceeds the leaf's max {max}",
    ),
    "fw.rule_needs": ("quy tắc {rule} cần '{key}'", "rule {rule} needs '{key}'"),
    "fw.choice_options": (
        "quy tắc choice cần ánh xạ 'options' không rỗng",
        "choice needs a non-empty 'options' mapping",
    ),
    "fw.option_title_clash": (
        "tên {title} của phương án '{one}' trùng với phương án '{other}'",
        "title {title} of option '{one}' would also match option '{other}'",
    ),
    "fw.ratio_brackets": (
        "quy tắc ratio cần danh sách 'brackets' không rỗng",
        "ratio needs a non-empty 'brackets' list",
    ),
    "fw.bracket_form": ("một mức là {{min: …, points: …}}", "a bracket is {{min: …, points: …}}"),
    "fw.bracket_order": (
        "min của các mức phải giảm dần",
        "bracket mins must strictly decrease",
    ),
    "fw.bracket_last": ("min của mức cuối phải bằng 0", "the last bracket's min must be 0"),
    # -- warnings (a value checked, then set aside) ----------------------------------------
    "warn.not_applicable": (
        "không áp dụng cho loại đơn vị {type}; giá trị được bỏ qua",
        "does not apply to type {type}; value ignored",
    ),
    "warn.not_applicable.many": (
        "{count} giá trị được bỏ qua vì tiêu chí không áp dụng cho loại đơn vị",
        "{count} values ignored because their leaf does not apply to the unit's type",
    ),
    "warn.unit_type_unknown": (
        "loại đơn vị '{type}' không có trong unit_types của bộ chỉ số ({types})",
        "type '{type}' is not among the framework's unit_types ({types})",
    ),
    "warn.unit_type_unknown.many": (
        "{count} đơn vị có loại không có trong unit_types của bộ chỉ số",
        "{count} units have a type the framework does not list",
    ),
    "warn.first": (
        "{shown} cảnh báo đầu tiên (--verbose để xem tất cả):",
        "the first {shown} (--verbose lists every one):",
    ),
}
