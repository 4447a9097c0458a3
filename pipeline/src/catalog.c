/* The catalogue of finding codes (catalog.h): one row per code, in the order
 * of enum dp_code.  The texts are for a clerk who has a finding in front of
 * them and no SPEC: what went wrong in words of the form, and what to change
 * before filing again. */
#include "deptperf/catalog.h"

#include <assert.h>
#include <string.h>

static const struct dp_code_info rows[DP_NCODES] = {
	[DP_E_ENCODING] = { "E-ENCODING", true, "§2.1",
		"文件的编码无法识别（不是 UTF-8、带 BOM 的 UTF-16 或 GB18030），压缩文件已损坏，或 Excel 工作簿已损坏、"
		"已加密或不是 Excel 保存的（含 DTD、单元格顺序错乱、引用不存在的共享字符串）；整个文件退回",
		"在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”或“Excel 工作簿（.xlsx）”后重新提交（加密的先取消密码）；"
		"消息给出第一个无法识别的字节位置或出错的工作表和单元格",
		"The file's encoding is none of UTF-8, UTF-16 with a BOM or GB18030, its gzip is damaged, or a "
		"workbook is damaged, encrypted or not saved by a spreadsheet program (a DTD, cells out of order, a "
		"shared string that is not there); the whole file is rejected",
		"Save it again as \"CSV UTF-8 (comma delimited)\" or as an Excel workbook (.xlsx), without a "
		"password, and resubmit; the message gives the first bad byte, or the sheet and cell",
		"sample-data/inputs/faults/e-encoding.csv" },
	[DP_E_CSV] = { "E-CSV", true, "§2.1",
		"CSV 格式错误（如引号未闭合、引号后多出字符）；整个文件退回",
		"按消息所给行号修正引号后重新提交；最好由 Excel 直接导出，不要手工编辑",
		"The CSV is malformed (an unclosed quote, text after a closing quote); the whole file is rejected",
		"Fix the quoting on the line named and resubmit; export from Excel rather than editing by hand",
		"sample-data/inputs/faults/e-csv.csv" },
	[DP_E_SHAPE] = { "E-SHAPE", true, "§2.2",
		"表头不是可识别的格式，或文件为空、只有表头，或工作簿中没有可读取的工作表；整个文件（工作表）退回",
		"单户表表头用“字段,值,单位,分项”；批量表的列名用字段名称（部门代码、年度、收入合计……）；"
		"专项资金表须含 专项资金名称、部门代码、年度",
		"The header row fits no known shape, or the file is empty or has only a header, or a workbook "
		"has no sheet to read; the whole file (sheet) is rejected",
		"A form's header is field,value,unit,item (字段,值,单位,分项); a bulk export's columns are field "
		"names; a funds export needs fund_name, dept_code and fiscal_year",
		"sample-data/inputs/faults/e-shape.csv" },
	[DP_E_REQUIRED] = { "E-REQUIRED", true, "§3, §4",
		"必填项缺失或为空；该填报退回",
		"补填消息所列字段（字段字典见 docs/fields.md）后重新提交",
		"A required field is missing or empty; the submission is rejected",
		"Fill in the field named (the field dictionary is in the README) and resubmit",
		"sample-data/inputs/faults/e-required.csv" },
	[DP_E_NUMBER] = { "E-NUMBER", true, "§2.3",
		"数值无法识别；该填报退回",
		"只写数字：可带正负号、千分位逗号（三位一组）、一个小数点，或会计负数 (12.50)",
		"A number cannot be read; the submission is rejected",
		"Write digits only: an optional sign, thousands separators in groups of three, one decimal "
		"point, or an accounting negative (12.50)",
		"sample-data/inputs/faults/e-number.csv" },
	[DP_E_UNIT] = { "E-UNIT", true, "§2.3",
		"单位无法识别、与字段类型不符，或数值中的单位与单位列不一致；该填报退回",
		"使用该字段的单位：金额 元/千元/万元/亿元，比率 %，分值 分，面积 平方米；数值与单位列只写一处或写成一致",
		"A unit is unknown, of the wrong kind for the field, or differs from the unit column; the "
		"submission is rejected",
		"Use a unit of the field's kind (money 元/千元/万元/亿元, rates %, scores 分, areas 平方米), "
		"given once or the same in both places",
		"sample-data/inputs/faults/e-unit.csv" },
	[DP_E_DATE] = { "E-DATE", true, "§2.3",
		"日期无法识别；该填报退回",
		"写成 2022-06-06、2022/6/6、2022.6.6、20220606 或 2022年6月6日",
		"A date cannot be read; the submission is rejected",
		"Write it as 2022-06-06, 2022/6/6, 2022.6.6, 20220606 or 2022年6月6日",
		"sample-data/inputs/faults/e-date.csv" },
	[DP_E_CODE] = { "E-CODE", true, "§3",
		"部门代码或主管部门代码含不允许的字符或超过 32 位；该填报退回",
		"代码只用字母、数字、“-”和“_”，最多 32 位，与预算系统中的代码一致",
		"A dept_code or parent_code holds other characters than [0-9A-Za-z_-] or is over 32 long; the "
		"submission is rejected",
		"Use the code of the budget system: letters, digits, '-' and '_', up to 32",
		"sample-data/inputs/faults/e-code.csv" },
	[DP_E_RANGE] = { "E-RANGE", true, "§3, §5.1",
		"数值超出其类型的范围，或自评分高于该指标满分；该填报（或该专项资金行）退回",
		"按消息给出的范围或满分核对并改正",
		"A value is outside its kind's range, or a self-score is above its indicator's maximum; the "
		"submission (or the fund row) is rejected",
		"Check the value against the range or maximum the message gives and correct it",
		"sample-data/inputs/faults/e-range.csv" },
	[DP_E_SUM] = { "E-SUM", true, "§4",
		"合计不等于分项之和（收入、支出），或自评分不能沿指标体系逐级相加（允许误差 0.01）；该填报退回",
		"核对消息所列的合计与各分项，改正其中错的一项",
		"A total is not the sum of its parts (income, expense), or the self-scores do not add up along "
		"the indicator tree (tolerance 0.01); the submission is rejected",
		"Check the total and the parts the message lists and correct the wrong one",
		"sample-data/inputs/faults/e-sum.csv" },
	[DP_E_CONFLICT] = { "E-CONFLICT", true, "§4",
		"同一字段在一张表中填了两次且数值不同；该填报退回",
		"删去重复的一行，只保留正确的数值",
		"One field is given twice in a form with different values; the submission is rejected",
		"Delete the repeated row and keep the right value",
		"sample-data/inputs/faults/e-conflict.csv" },
	[DP_E_USCC] = { "E-USCC", true, "§3",
		"统一社会信用代码校验位不符（GB 32100）；该填报退回",
		"对照营业执照或事业单位法人证书逐位核对 18 位代码",
		"The unified social credit code fails its check character (GB 32100); the submission is "
		"rejected",
		"Check the 18 characters against the certificate",
		"sample-data/inputs/faults/e-uscc.csv" },
	[DP_E_TOO_LONG] = { "E-TOO-LONG", true, "§2.1, §4",
		"字段超过 4096 字节、单户表超过 10000 行，或文件、工作簿的部件（解压后的大小、行数）超出读取上限；该填报或文件退回",
		"检查是否误把整段文字或整张表粘进一个单元格；过大的批量表请分成几个文件提交",
		"A field is over 4 096 bytes, a form over 10 000 rows, or a file or a workbook's part (its "
		"inflated size, its rows) past a reading bound; the submission or file is rejected",
		"Look for a whole text or table pasted into one cell; split a very large export into files",
		"sample-data/inputs/faults/e-too-long.csv" },
	[DP_E_UNREADABLE] = { "E-UNREADABLE", true, "§2.1",
		"文件或文件夹无法读取（如没有读取权限），其中的填报未读取；整个文件退回（无法复制到 rejected/）",
		"请运维人员检查该文件或文件夹的权限（运行 deptperf 的用户须能读取），然后重新运行",
		"A file or folder cannot be read (no permission to read it, say): nothing in it was read; it is "
		"rejected (and cannot be copied to rejected/)",
		"The operator checks its permissions (the user running deptperf must be able to read it) and "
		"runs again",
		"tests/e2e/paths_accounted.sh" },
	[DP_E_CHANGED] = { "E-CHANGED", true, "§2.1, §4",
		"文件在本次运行读取期间被修改、消失或变得无法读取；整个文件退回，新旧内容不会混用",
		"不要在运行期间放入或修改文件；下次运行会读取文件的新内容",
		"The file changed, vanished or became unreadable while the run read it; the whole file is "
		"rejected, its old and new contents are never mixed",
		"Do not add or change files while a run reads them; the next run reads the new contents",
		"tests/e2e/changed_input.sh" },
	[DP_W_FIELD_UNKNOWN] = { "W-FIELD-UNKNOWN", false, "§2.3",
		"字段名称无法识别，该行（列）未读取；如有相近的字段名，消息会给出",
		"对照字段字典（docs/fields.md）改正字段名称；如是说明性的行，可以不改",
		"A field label is not known and its row (column) was not read; the message names the closest "
		"label when one is near",
		"Correct the label against the field dictionary (README); a row of notes may stay",
		"sample-data/inputs/faults/w-field-unknown.csv" },
	[DP_W_PROGRESS_MISMATCH] = { "W-PROGRESS-MISMATCH", false, "§3",
		"平均支出进度与一至四季度支出进度的平均数相差超过 0.01",
		"核对平均支出进度和四个季度的进度",
		"exec_progress differs from the mean of the four quarters' progress by more than 0.01",
		"Check the average and the four quarterly figures",
		"sample-data/inputs/faults/w-progress-mismatch.csv" },
	[DP_W_SKIPPED] = { "W-SKIPPED", false, "§2.1",
		"文件或工作表未读取（文件名不以 .csv、.csv.gz、.xlsx、.xls 结尾，或不是普通文件：命名管道、套接字、设备、"
		"指向文件夹的链接、悬空链接、链接循环；或工作簿中的工作表为空、表头不可识别、是图表），已在 inputs.csv.gz 中列为 skipped",
		"如不是填报材料，无需处理；如工作表是填报数据，按消息改正表头后重新提交",
		"A file or sheet was not read (its name does not end in .csv, .csv.gz, .xlsx or .xls, or it is "
		"no regular file: a FIFO, a socket, a device, a link to a folder, a dangling link, a link loop; "
		"or a workbook's sheet is empty, has a header of no known shape, or is a chart); it is listed as "
		"skipped in inputs.csv.gz",
		"Nothing, if it is not a submission; if the sheet holds submissions, fix its header as the "
		"message says and resubmit",
		"sample-data/inputs/faults/notes.txt" },
	[DP_W_OVERSPENT] = { "W-OVERSPENT", false, "§4",
		"专项资金支出大于下达数",
		"核对该专项资金的下达数和支出数；确属超支的，在自评报告中说明原因",
		"A special fund's spending is above its allocation",
		"Check the fund's allocation and spending; explain a real overspend in the report",
		"sample-data/inputs/faults/w-overspent.csv" },
	[DP_W_ORPHAN_FUND] = { "W-ORPHAN-FUND", false, "§2.2",
		"批量专项资金行找不到同部门同年度的部门填报，未计分",
		"一并提交该部门的填报，或改正该行的部门代码、年度",
		"A bulk fund row has no submission with its dept_code and fiscal_year in the run; it is not "
		"scored",
		"Submit the department's own row too, or correct the fund row's code or year",
		"sample-data/inputs/faults/w-orphan-fund.csv" },
	[DP_W_GRADE_MISMATCH] = { "W-GRADE-MISMATCH", false, "§5.1",
		"自评等级与自评总分对应的等级不一致",
		"按评分标准改正自评等级（或自评总分）",
		"self_grade is not the grade band of self_total",
		"Correct the grade (or the total) by the rule set's bands",
		"sample-data/inputs/faults/w-grade-mismatch.csv" },
	[DP_W_SUPERSEDED] = { "W-SUPERSEDED", false, "§4",
		"同一部门同一年度有更晚的填报（填报日期较晚，同日则文件路径在后），本份未采用",
		"如较晚的一份正确，无需处理；否则撤回较晚的一份或改正其填报日期",
		"A later submission for the same department and year replaced this one (the later filed_on, "
		"then the later path)",
		"Nothing, if the later one is right; otherwise withdraw it or correct its filing date",
		"sample-data/inputs/faults/resubmit-early.csv" },
	[DP_W_MISSING] = { "W-MISSING", false, "§7",
		"名册中的部门没有被接受的填报（见 missing.csv.gz）",
		"催报；如该部门已撤并，从名册中删去",
		"A department on the roster has no accepted submission (see missing.csv.gz)",
		"Chase the department; take it off the roster if it no longer exists",
		"sample-data/roster.csv" },
	[DP_W_UNROSTERED] = { "W-UNROSTERED", false, "§7",
		"填报部门不在名册中",
		"核对部门代码；确为新增部门的，把它加入名册",
		"The submission's department is not on the roster",
		"Check the department code; add a new department to the roster",
		"sample-data/inputs/faults/formula-name.csv" },
	[DP_W_ADJUST] = { "W-ADJUST", false, "",
		"复核扣分（--adjust）无法执行：没有该部门年度的已接受填报，或该指标不是叶指标",
		"核对扣分文件该行的部门代码、年度和指标",
		"A review deduction (--adjust) could not be applied: no accepted submission for that "
		"department and year, or the indicator is not a leaf",
		"Check the row's dept_code, fiscal_year and indicator in the adjust file",
		"sample-data/adjust.csv" },
};

const struct dp_code_info *dp_code_info(enum dp_code code)
{
	assert(code > DP_NO_CODE && code < DP_NCODES);
	return &rows[code];
}

enum dp_code dp_code_find(const char *s)
{
	for (int c = DP_NO_CODE + 1; c < DP_NCODES; c++)
		if (strcmp(rows[c].code, s) == 0)
			return (enum dp_code)c;
	return DP_NO_CODE;
}

/* A table cell: Markdown's '|' escaped. */
static void cell(struct dp_buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			dp_buf_addc(out, '\\');
		dp_buf_addc(out, *s);
	}
}

void dp_catalog_markdown(struct dp_buf *out)
{
	dp_buf_adds(out,
		    "# Finding codes / 问题代码\n"
		    "\n"
		    "Every finding in `findings.csv.gz` has one of these codes. An **error** rejects the\n"
		    "submission (or the whole file, where it says so): it is not scored, and its file or row\n"
		    "is copied to the run's `rejected/` folder. A **warning** does not reject.\n"
		    "`findings.csv.gz` names the file, line, department, field and value of each.\n"
		    "\n"
		    "每条问题（findings.csv.gz）都有下列代码之一。**error（错误）**使该填报（或整个文件）退回，"
		    "不参与计分，原文件或原行复制到本次运行的 `rejected/` 文件夹；**warning（提示）**不退回。\n"
		    "\n"
		    "This page is the output of `dp-run --list-findings` (scripts/update-docs); the table it\n"
		    "prints is the library's own (pipeline/src/catalog.c).\n");
	for (int c = DP_NO_CODE + 1; c < DP_NCODES; c++) {
		const struct dp_code_info *r = &rows[c];
		dp_buf_addf(out, "\n## %s (%s%s%s)\n\n", r->code, r->error ? "error" : "warning",
			    r->spec[0] ? ", SPEC " : ", the project's own", r->spec);
		dp_buf_adds(out, "| | 中文 | English |\n|---|---|---|\n| 含义 · meaning | ");
		cell(out, r->meaning_zh);
		dp_buf_adds(out, " | ");
		cell(out, r->meaning_en);
		dp_buf_adds(out, " |\n| 处理 · what to do | ");
		cell(out, r->action_zh);
		dp_buf_adds(out, " | ");
		cell(out, r->action_en);
		dp_buf_adds(out, " |\n\nShown by `");
		dp_buf_adds(out, r->shown_by);
		dp_buf_adds(out, "`.\n");
	}
}
