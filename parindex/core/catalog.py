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
        "tỷ lệ {ratio} vượt quá mức tối đa {limit}% của tiêu chí{note}; kiểm tra lại số liệu",
        "the ratio {ratio} exceeds this leaf's limit of {limit}%{note}; check the figures",
    ),
    "value.ratio_thousands_groups": (
        "{term}: các dấu chấm ở đây là dấu phân cách hàng nghìn; viết số không có dấu phân "
        "cách ({whole})",
        "{term}: the dots are thousands separators; write the number without separators ({whole})",
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
    "fw.number": ("{key} phải là một số, gặp {found}", "{key} must be a number, found {found}"),
    "fw.bad_number": ("{key} {found}: {reason}", "{key} {found}: {reason}"),
    "fw.boolean": (
        "{key} phải là true hoặc false, gặp {found}",
        "{key} must be true or false, found {found}",
    ),
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
        "min của các mức xếp loại phải giảm dần: {found} không nhỏ hơn {previous}",
        "band mins must strictly decrease: {found} is not below {previous}",
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
    "fw.positive": (
        "{key} phải lớn hơn 0, gặp {found}",
        "{key} must be greater than 0, found {found}",
    ),
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
    "fw.option_na_word": (
        "phương án '{option}': {name} là từ dành cho «không áp dụng» (n/a, KAD, không áp "
        "dụng); đặt tên khác cho phương án",
        "option '{option}': {name} is a word for not applicable (n/a, KAD, không áp dụng); "
        "give the option another name",
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
        "min của các mức phải giảm dần: {found} không nhỏ hơn {previous}",
        "bracket mins must strictly decrease: {found} is not below {previous}",
    ),
    "fw.bracket_last": (
        "min của mức cuối phải bằng 0, gặp {found}",
        "the last bracket's min must be 0, found {found}",
    ),
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
    # -- numbers typed by a person in a form or a spreadsheet cell ---------------------------
    "typed.ambiguous_dot": (
        "«{typed}» có hai cách hiểu: {whole} (dấu chấm phân cách hàng nghìn) hoặc {decimal} "
        "(dấu chấm thập phân); viết {whole} nếu là số nguyên, hoặc dùng dấu phẩy cho phần "
        "thập phân ({decimal})",
        "«{typed}» could mean {whole} (a dot between thousands) or {decimal} (a decimal dot); "
        "write {whole} for the whole number, or {decimal} for the decimal",
    ),
    "typed.ambiguous_comma": (
        "«{typed}» có hai cách hiểu: {whole} (dấu phẩy phân cách hàng nghìn kiểu tiếng Anh) "
        "hoặc số thập phân {decimal}; viết {whole} nếu là số nguyên",
        "«{typed}» could mean {whole} or the decimal {decimal}; write {whole} for the whole number",
    ),
    "typed.comma_in_english": (
        "«{typed}»: trong giao diện tiếng Anh, dấu thập phân là dấu chấm: viết {suggestion}",
        "«{typed}»: use '.' as the decimal separator: write {suggestion}",
    ),
    "typed.grouped_whole": (
        "«{typed}»: viết số nguyên không có dấu phân cách hàng nghìn: {whole}",
        "«{typed}»: write the whole number without separators: {whole}",
    ),
    # -- survey questionnaire (docs/formats.md §4.1) -----------------------------------------
    "survey.not_mapping": ("tệp phải là một ánh xạ các khóa", "the file must be a mapping of keys"),
    "survey.missing_key": ("thiếu khóa '{key}'{where}", "missing key '{key}'{where}"),
    "survey.format": (
        "format phải là '{expected}', gặp {found}",
        "format must be '{expected}', found {found}",
    ),
    "survey.unknown_key": (
        "khóa lạ {key}{where} (khóa mở rộng bắt đầu bằng 'x-')",
        "unknown key {key}{where} (extensions start with 'x-')",
    ),
    "survey.in_framework": (" trong framework", " in framework"),
    "survey.in_a_group": (" trong một nhóm đối tượng", " in a group"),
    "survey.in_group": (" trong nhóm đối tượng {group}", " in group {group}"),
    "survey.in_a_question": (" trong một câu hỏi", " in a question"),
    "survey.in_question": (" trong câu hỏi {question}", " in question {question}"),
    "survey.quote_it": (
        '{key} phải là chuỗi ký tự (đặt trong ngoặc kép: "{found}")',
        '{key} must be a string (quote it: "{found}")',
    ),
    "survey.string": ("{key} phải là chuỗi ký tự", "{key} must be a string"),
    "survey.empty": ("{key} không được để trống", "{key} must not be empty"),
    "survey.title_lang": ("{key} phải là văn bản không rỗng", "{key} must be non-empty text"),
    "survey.title_needs_lang": ("{key} cần 'vi' hoặc 'en'", "{key} needs 'vi' or 'en'"),
    "survey.title_form": (
        "{key} phải là văn bản hoặc {{vi: …, en: …}}",
        "{key} must be text or {{vi: …, en: …}}",
    ),
    "survey.framework_form": (
        "framework phải là ánh xạ {{code: …, version: …}}",
        "framework must be a mapping {{code: …, version: …}}",
    ),
    "survey.scale_form": (
        "thang đo (scale){where} phải là ánh xạ không rỗng dạng phương án: tỷ lệ phần trăm",
        "scale{where} must be a non-empty mapping of option: percent",
    ),
    "survey.option_key_quote_it": (
        'khóa phương án của thang đo phải là chuỗi ký tự (đặt trong ngoặc kép: "{found}")',
        'scale option keys must be strings (quote it: "{found}")',
    ),
    "survey.option_key_empty": (
        "khóa phương án của thang đo không được để trống",
        "scale option keys must not be empty",
    ),
    "survey.option_percent": (
        "phương án {key} của thang đo phải là tỷ lệ phần trăm trong [0, 100] hoặc null",
        "scale option {key} must be a percentage in [0, 100] or null",
    ),
    "survey.option_percent_found": (
        "phương án {key} của thang đo phải là tỷ lệ phần trăm trong [0, 100] hoặc null, "
        "gặp {found}",
        "scale option {key} must be a percentage in [0, 100] or null, found {found}",
    ),
    "survey.option_bad_number": (
        "phương án {key} của thang đo, giá trị {found}: {reason}",
        "scale option {key}, value {found}: {reason}",
    ),
    "survey.option_places": (
        "phương án {key} của thang đo có nhiều hơn {places} chữ số thập phân, gặp {found}",
        "scale option {key} has more than {places} decimal places, found {found}",
    ),
    "survey.option_range": (
        "phương án {key} của thang đo phải nằm trong [0, 100], gặp {found}",
        "scale option {key} must lie in [0, 100], found {found}",
    ),
    "survey.whole_number": (
        "{key} phải là số nguyên lớn hơn hoặc bằng 1",
        "{key} must be a whole number >= 1",
    ),
    "survey.whole_number_found": (
        "{key} phải là số nguyên lớn hơn hoặc bằng 1, gặp {found}",
        "{key} must be a whole number >= 1, found {found}",
    ),
    "survey.weight_form": (
        "weight (trọng số) phải là một số lớn hơn 0",
        "weight must be a number greater than 0",
    ),
    "survey.weight_form_found": (
        "weight (trọng số) phải là một số lớn hơn 0, gặp {found}",
        "weight must be a number greater than 0, found {found}",
    ),
    "survey.bad_number": ("{key} {found}: {reason}", "{key} {found}: {reason}"),
    "survey.weight_positive": (
        "weight (trọng số) phải lớn hơn 0, gặp {found}",
        "weight must be greater than 0, found {found}",
    ),
    "survey.non_empty_list": (
        "{key} phải là một danh sách không rỗng",
        "{key} must be a non-empty list",
    ),
    "survey.group_form": (
        "một nhóm đối tượng phải là ánh xạ {{code, title, min_n, weight}}",
        "a group must be a mapping {{code, title, min_n, weight}}",
    ),
    "survey.group_twice": (
        "mã nhóm đối tượng {code} dùng hai lần (lần đầu ở dòng {first})",
        "group code {code} is used twice (first at line {first})",
    ),
    "survey.question_form": (
        "một câu hỏi phải là ánh xạ {{code, text, leaf, groups}}",
        "a question must be a mapping {{code, text, leaf, groups}}",
    ),
    "survey.question_reserved": (
        "mã câu hỏi {code} là mã dành riêng (không dùng response, group, unit, "
        "hay mã bắt đầu bằng '_')",
        "question code {code} is reserved (not response, group, unit, nor starting with '_')",
    ),
    "survey.question_twice": (
        "mã câu hỏi {code} dùng hai lần (lần đầu ở dòng {first})",
        "question code {code} is used twice (first at line {first})",
    ),
    "survey.question_groups_form": (
        "groups{where} phải là danh sách không rỗng các mã nhóm đối tượng",
        "groups{where} must be a non-empty list of group codes",
    ),
    "survey.question_groups_string": (
        "groups{where} phải chứa các mã nhóm đối tượng dạng chuỗi ký tự",
        "groups{where} must hold group codes as strings",
    ),
    "survey.question_groups_quote_it": (
        "groups{where} phải chứa các mã nhóm đối tượng dạng chuỗi ký tự (đặt trong ngoặc kép: "
        '"{found}")',
        'groups{where} must hold group codes as strings (quote it: "{found}")',
    ),
    "survey.group_unknown": (
        "nhóm {group}{where} không phải là mã của một nhóm đối tượng khai báo trong groups",
        "group {group}{where} is not a code of groups",
    ),
    "survey.group_listed_twice": (
        "nhóm {group}{where} được liệt kê hai lần",
        "group {group}{where} is listed twice",
    ),
    "survey.framework_mismatch": (
        "bảng hỏi dành cho bộ chỉ số {wanted}, không phải {framework} {version}",
        "the questionnaire is for framework {wanted}, not {framework} {version}",
    ),
    "survey.leaf_not_node": (
        "câu hỏi {question}: tiêu chí {leaf} không phải là một mục của bộ chỉ số "
        "{framework} {version}",
        "question {question}: leaf {leaf} is not a node of framework {framework} {version}",
    ),
    "survey.leaf_is_branch": (
        "câu hỏi {question}: mục {leaf} có các mục con, không phải tiêu chí lá",
        "question {question}: leaf {leaf} is a branch, not a leaf",
    ),
    "survey.leaf_not_survey": (
        "câu hỏi {question}: tiêu chí {leaf} không lấy điểm từ khảo sát (source của tiêu chí "
        "không phải 'survey')",
        "question {question}: leaf {leaf} is not a survey leaf (its source is not 'survey')",
    ),
    # -- survey responses (docs/formats.md §4.2) ---------------------------------------------
    "responses.bad_csv": (
        "không phải tệp CSV hợp lệ: {reason}",
        "not a valid CSV file: {reason}",
    ),
    "responses.empty": (
        "tệp trống (cần có dòng tiêu đề)",
        "the file is empty (expected a header line)",
    ),
    "responses.unknown_column": (
        "cột lạ {name}: không phải response, group, unit hay mã một câu hỏi (cột thông tin "
        "của công cụ khảo sát bắt đầu bằng '_')",
        "unknown column {name}: not response, group, unit nor a question code (tool metadata "
        "columns start with '_')",
    ),
    "responses.column_twice": ("cột {name} xuất hiện hai lần", "column {name} appears twice"),
    "responses.missing_column": ("thiếu cột '{name}'", "missing column '{name}'"),
    "responses.missing_question_column": (
        "thiếu cột của câu hỏi {question}",
        "missing column for question {question}",
    ),
    "responses.too_many_cells": (
        "dòng có {count} ô, nhiều hơn {width} cột của dòng tiêu đề",
        "the row has {count} cells, more than the header's {width}",
    ),
    "responses.id_empty": ("mã phiếu (response) để trống", "the response id is empty"),
    "responses.duplicate": (
        "mã phiếu trùng lặp (lần đầu ở dòng {first})",
        "duplicate response (first at line {first})",
    ),
    "responses.group_empty": ("nhóm đối tượng để trống", "the group is empty"),
    "responses.group_unknown": (
        "không phải là một nhóm đối tượng của bảng hỏi (các nhóm: {groups})",
        "not a group of the questionnaire (groups: {groups})",
    ),
    "responses.unit_empty": ("đơn vị để trống", "the unit is empty"),
    "responses.unit_unknown": (
        "đơn vị không có trong tệp danh sách đơn vị",
        "the unit is not in the units file",
    ),
    "responses.not_an_option": (
        "không phải là một phương án của câu hỏi {question} (các phương án: {options})",
        "not an option of question {question} (options: {options})",
    ),
    "responses.not_asked": (
        "câu hỏi {question} không dành cho nhóm đối tượng {group}",
        "question {question} is not asked of group {group}",
    ),
    "responses.unreadable": ("không đọc được các phiếu trả lời", "the responses could not be read"),
    # -- scores and units files (docs/formats.md §2) -----------------------------------------
    "table.bad_csv": ("không phải tệp CSV hợp lệ: {reason}", "not a valid CSV file: {reason}"),
    "table.empty": (
        "tệp trống (cần có dòng tiêu đề)",
        "the file is empty (expected a header line)",
    ),
    "table.unknown_column": (
        "cột lạ {name} (các cột được dùng: {allowed})",
        "unknown column {name} (allowed: {allowed})",
    ),
    "table.column_twice": ("cột {name} xuất hiện hai lần", "column {name} appears twice"),
    "table.missing_column": ("thiếu cột '{name}'", "missing column '{name}'"),
    "table.too_many_cells": (
        "dòng có nhiều ô hơn dòng tiêu đề ({count} ô, dòng tiêu đề có {width} cột)",
        "the row has more cells than the header ({count} cells, the header has {width})",
    ),
    "table.unit_code_empty": ("mã đơn vị để trống", "the unit code is empty"),
    "table.duplicate_unit": (
        "đơn vị trùng lặp (lần đầu ở dòng {first})",
        "duplicate unit (first at line {first})",
    ),
    "table.unit_empty": ("đơn vị để trống", "the unit is empty"),
    "table.item_empty": ("tiêu chí để trống", "the item is empty"),
    "table.unit_unknown": (
        "đơn vị không có trong tệp danh sách đơn vị",
        "the unit is not in the units file",
    ),
    "table.item_not_node": (
        "tiêu chí không phải là một mục của bộ chỉ số {framework} {version}",
        "the item is not a node of framework {framework} {version}",
    ),
    "table.item_is_branch": (
        "mục này có các mục con, không phải tiêu chí lá của bộ chỉ số {framework} {version}",
        "the item is a branch, not a leaf of framework {framework} {version}",
    ),
    "table.duplicate_row": (
        "dòng trùng lặp cho cùng đơn vị và tiêu chí (lần đầu ở dòng {first})",
        "duplicate row for this unit and item (first at line {first})",
    ),
    # -- computing a cycle ---------------------------------------------------------------------
    "compute.unit_twice": ("đơn vị được liệt kê hai lần", "the unit is listed twice"),
    "compute.unit_not_listed": (
        "đơn vị có dữ liệu nhưng không có trong danh sách đơn vị",
        "the unit has answers but is not in the units list",
    ),
    "compute.not_a_leaf": (
        "không phải là tiêu chí lá của bộ chỉ số",
        "not a leaf of the framework",
    ),
    "compute.override_unit_not_listed": (
        "đơn vị có điểm thay thế nhưng không có trong danh sách đơn vị",
        "the unit has overrides but is not in the units list",
    ),
    "compute.override_not_leaf": (
        "điểm thay thế cho một mục không phải tiêu chí lá",
        "override of a node that is not a leaf",
    ),
    "compute.override_not_applicable": (
        "tiêu chí không áp dụng cho loại đơn vị {type}",
        "the leaf does not apply to type {type}",
    ),
    "compute.override_range": (
        "điểm thay thế phải nằm trong [0, {max}]",
        "override points must lie in [0, {max}]",
    ),
    "compute.override_step": (
        "điểm thay thế phải là bội số của {step}",
        "override points must be a multiple of {step}",
    ),
    # -- what-if -------------------------------------------------------------------------------
    "whatif.no_node": ("không có mục này trong bộ chỉ số", "no such node in the framework"),
    "whatif.not_normal": (
        "chỉ các mục thuộc khối thông thường mới có thể lấy lại điểm",
        "only normal nodes can regain points",
    ),
    "whatif.share_range": (
        "tỷ lệ điểm lấy lại phải lớn hơn 0 và không quá 1",
        "the share must be above 0 and at most 1",
    ),
    # -- points lost ---------------------------------------------------------------------------
    "analysis.level": (
        "cấp phải là một trong: {levels}",
        "level must be one of {levels}",
    ),
    # -- the assessment workflow ---------------------------------------------------------------
    "workflow.not_possible": (
        "không thể «{action}» khi hồ sơ đang ở trạng thái «{state}»",
        "action '{action}' is not possible in state '{state}'",
    ),
    "workflow.needs_role": (
        "thao tác «{action}» cần một trong các vai trò: {roles}",
        "action '{action}' needs one of the roles: {roles}",
    ),
    "workflow.needs_reason": (
        "thao tác «{action}» cần ghi rõ lý do",
        "action '{action}' needs a written reason",
    ),
    # -- YAML files (framework, questionnaire) ----------------------------------------------
    "yaml.too_large": ("tệp lớn hơn {limit} MB", "the file is larger than {limit} MB"),
    "yaml.anchor": (
        "không hỗ trợ anchor (&tên) và alias (*tên): hãy viết giá trị ra đầy đủ",
        "anchors (&name) and aliases (*name) are not supported: write the value out",
    ),
    "yaml.too_deep": (
        "không phải YAML hợp lệ: lồng nhau quá sâu",
        "not valid YAML: nested too deeply",
    ),
    "yaml.too_many_values": (
        "tệp có hơn {limit} giá trị",
        "the file holds more than {limit} values",
    ),
    "yaml.invalid": (
        "không phải YAML hợp lệ ({problem}); kiểm tra thụt lề, dấu hai chấm và dấu ngoặc",
        "not valid YAML: {problem}",
    ),
    "yaml.empty": ("tệp rỗng", "the file is empty"),
    "yaml.key_text": ("khóa phải là văn bản thường", "a key must be plain text"),
    "yaml.merge_key": ("không hỗ trợ khóa gộp (<<)", "merge keys (<<) are not supported"),
    "yaml.duplicate_key": (
        "khóa '{key}' bị trùng (lần đầu ở dòng {first})",
        "duplicate key '{key}' (first at line {first})",
    ),
    # -- the node mapping between two framework versions (docs/formats.md §5) ---------------
    "map.other_family": (
        "hai phiên bản không thuộc cùng một bộ chỉ số ({old} và {new}): chỉ ánh xạ được các "
        "phiên bản của cùng một mã bộ chỉ số",
        "the two versions belong to different frameworks ({old} and {new}): a mapping links "
        "versions of one framework code",
    ),
    "map.same_version": (
        "chọn hai phiên bản khác nhau: một phiên bản không cần ánh xạ với chính nó",
        "choose two different versions: a version needs no mapping to itself",
    ),
    "map.from_empty": ("mã mục ở cột 'from' để trống", "the 'from' code is empty"),
    "map.not_in_version": (
        "mục {code} không có trong phiên bản {version}",
        "node {code} is not in version {version}",
    ),
    "map.duplicate_row": (
        "dòng trùng lặp (lần đầu ở dòng {first})",
        "duplicate row (first at line {first})",
    ),
    "map.dropped_and_mapped": (
        "mục {code} vừa được ghi là bỏ (cột 'to' trống) vừa được ánh xạ sang mục khác",
        "node {code} is both dropped (an empty 'to') and mapped to a node",
    ),
    # -- any text read from a file or a form ----------------------------------------------
    "text.control_character": (
        "có ký tự điều khiển {char} (ký tự ẩn, thường do sao chép từ phần mềm khác): hãy xóa nó",
        "holds the control character {char} (an invisible character, often pasted from "
        "another program): delete it",
    ),
    "text.too_long": ("quá dài: tối đa {limit} ký tự", "is too long: at most {limit} characters"),
    "file.unpacks_too_large": (
        "tệp bảng tính giải nén ra hơn {limit} MB dữ liệu: hãy xuất lại tệp, hoặc xuất dạng CSV",
        "the workbook unpacks to more than {limit} MB: export the file again, or as CSV",
    ),
    "file.too_many_columns": (
        "trang tính có {count} cột; chỉ đọc được tối đa {limit} cột",
        "the sheet has {count} columns; at most {limit} can be read",
    ),
}
