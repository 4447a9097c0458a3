/* mkxlsx: small .xlsx workbooks written part by part with libzip, for the
 * e2e tests of Excel input: the cases a spreadsheet program would not
 * write (hostile or damaged) and the ones dp-tobook does not (1904 dates,
 * rich and phonetic text, skipped columns, merged cells, a formula without
 * its value, booleans, errors, a chart sheet).
 *
 *   mkxlsx KIND OUT.xlsx
 *
 * KIND: form (a good form of every cell kind), moved (the same with its
 * parts in wb/, found through the package's relationships), dtd (a billion-laughs
 * DTD), xxe (an external entity), sst-range (a shared string that is not
 * there), order (a cell before its left neighbour), bomb (a sheet of
 * 300 MB of spaces), rows (blank rows up to 1 048 576 and one past),
 * encrypted (the sheet's entry encrypted with AES, a password set on the
 * zip), sheets (10 001 sheets, past the bound), nosheet (a workbook of a
 * chart sheet only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

static const char *content_types =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";
static const char *root_rels =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
	"</Relationships>";
static const char *moved_rels =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"/wb/workbook.xml\"/>"
	"</Relationships>";
#define REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
static const char *book_rels =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"" REL "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"" REL "chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"" REL "styles\" Target=\"styles.xml\"/>"
	"<Relationship Id=\"rId4\" Type=\"" REL "sharedStrings\" Target=\"sharedStrings.xml\"/>"
	"</Relationships>";
/* cellXfs: 0 general, 1 percent (id 10), 2 date (custom yyyy"年"m"月"d"日"), 3 custom 0.0% */
static const char *styles =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	"<numFmts count=\"2\"><numFmt numFmtId=\"176\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
	"<numFmt numFmtId=\"177\" formatCode=\"0.0%\"/></numFmts>"
	"<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
	"<cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"10\"/><xf numFmtId=\"176\"/><xf numFmtId=\"177\"/></cellXfs>"
	"</styleSheet>";

/* The folder of the workbook's parts: xl/, or wb/ for kind moved (a package
 * whose workbook only its relationships tell where to find). */
static const char *dir = "xl/";

/* name with "xl/" at its start made dir. */
static const char *in_dir(const char *name)
{
	static char b[8][256];
	static int k;
	char *o = b[k++ % 8];
	if (strncmp(name, "xl/", 3) == 0)
		snprintf(o, sizeof b[0], "%s%s", dir, name + 3);
	else
		snprintf(o, sizeof b[0], "%s", name);
	return o;
}

static void add(zip_t *z, const char *name, const char *text)
{
	name = in_dir(name);
	zip_source_t *s = zip_source_buffer(z, text, strlen(text), 0);
	zip_int64_t i = s ? zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8) : -1;
	/* MKXLSX_STORE=1: the parts stored, not deflated (fuzzing seeds whose
	 * mutations reach the XML) */
	if (i < 0 || (getenv("MKXLSX_STORE") && zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0) < 0)) {
		fprintf(stderr, "mkxlsx: %s: %s\n", name, zip_strerror(z));
		exit(1);
	}
}

static const char *book(const char *sheets, int date1904)
{
	static char b[1 << 20];
	snprintf(b, sizeof b,
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		 "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
		 "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
		 "<workbookPr%s/><sheets>%s</sheets></workbook>",
		 date1904 ? " date1904=\"1\"" : "", sheets);
	return b;
}

#define SHEET_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
#define SHEET_TAIL "</sheetData></worksheet>"

/* A form of the seed's figures in every kind of cell: shared, inline, rich
 * and phonetic text, numbers as Excel stores them, a percent, dates in the
 * 1904 system, a formula with its value, a boolean in an ignored column,
 * an escaped character, a merged cell, a blank row before the header, a
 * skipped column. */
static const char *sst =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"6\" uniqueCount=\"6\">"
	"<si><t>字段</t></si><si><t>值</t></si><si><t>单位</t></si>"
	"<si><r><t>部门</t></r><r><rPr><b/></rPr><t>名称</t></r><rPh sb=\"0\" eb=\"2\"><t>ぶもん</t></rPh></si>"
	"<si><t>万元</t></si><si><t xml:space=\"preserve\">广东省测试_x0020_单位</t></si>"
	"</sst>";

static void form(zip_t *z, int variant)
{
	(void)variant;
	add(z, "xl/workbook.xml",
	    book("<sheet name=\"表1\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"图表\" sheetId=\"2\" r:id=\"rId2\"/>", 1));
	add(z, "xl/sharedStrings.xml", sst);
	static const char *sheet =
		SHEET_HEAD
		"<row r=\"2\" spans=\"1:4\"/>"
		"<row r=\"3\"><c r=\"A3\" t=\"s\"><v>0</v></c><c r=\"B3\" t=\"s\"><v>1</v></c><c r=\"C3\" t=\"s\"><v>2</v></c></row>"
		"<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>部门代码</t></is></c><c r=\"B4\" t=\"inlineStr\"><is><t>M001</t></is></c></row>"
		"<row r=\"5\"><c r=\"A5\" t=\"s\"><v>3</v></c><c r=\"B5\" t=\"s\"><v>5</v></c></row>"
		"<row r=\"6\"><c r=\"A6\" t=\"inlineStr\"><is><t>年度</t></is></c><c r=\"B6\"><v>2021</v></c><c r=\"E6\" t=\"b\"><v>1</v></c></row>"
		"<row r=\"7\"><c r=\"A7\" t=\"inlineStr\"><is><t>填报日期</t></is></c><c r=\"B7\" s=\"2\"><v>43256</v></c></row>"
		"<row r=\"8\"><c r=\"A8\" t=\"inlineStr\"><is><t>收入合计</t></is></c><c r=\"B8\"><f>B9+B10</f><v>3998.0300000000002</v></c><c r=\"C8\" t=\"s\"><v>4</v></c></row>"
		"<row r=\"9\"><c r=\"A9\" t=\"inlineStr\"><is><t>财政拨款收入</t></is></c><c r=\"B9\"><v>3997.62</v></c><c r=\"C9\" t=\"s\"><v>4</v></c></row>"
		"<row r=\"10\"><c r=\"A10\" t=\"inlineStr\"><is><t>其他收入</t></is></c><c r=\"B10\"><v>0.41</v></c><c r=\"C10\" t=\"s\"><v>4</v></c></row>"
		"<row r=\"11\"><c r=\"A11\" t=\"inlineStr\"><is><t>平均支出进度</t></is></c><c r=\"B11\" s=\"1\"><v>0.38119999999999998</v></c></row>"
		"<row r=\"12\"><c r=\"A12\" t=\"inlineStr\"><is><t>产出指标完成率</t></is></c><c r=\"B12\" s=\"3\"><v>1.0915000000000001</v></c></row>"
		"<row r=\"13\"><c r=\"A13\" t=\"inlineStr\"><is><t>人均公用经费支出</t></is></c><c r=\"B13\"><v>2E-3</v></c><c r=\"C13\" t=\"inlineStr\"><is><t>亿元</t></is></c></row>"
		"<row r=\"14\"><c r=\"A14\" t=\"inlineStr\"><is><t>基本支出</t></is></c><c r=\"B14\"><f>SUM(X1:X9)</f></c></row>"
		"<row r=\"15\"><c r=\"A15\" t=\"inlineStr\"><is><t>项目支出</t></is></c><c r=\"B15\" t=\"e\"><v>#DIV/0!</v></c></row>"
		/* a merged name: after sheetData, as Excel writes it (its value is its first cell's) */
		"</sheetData><mergeCells count=\"1\"><mergeCell ref=\"B5:D5\"/></mergeCells></worksheet>";
	add(z, "xl/worksheets/sheet1.xml", sheet);
	add(z, "xl/chartsheets/sheet1.xml", "<chartsheet/>");
}

static void one_sheet(zip_t *z, const char *sheet)
{
	add(z, "xl/workbook.xml", book("<sheet name=\"表1\" sheetId=\"1\" r:id=\"rId1\"/>", 0));
	add(z, "xl/sharedStrings.xml", sst);
	add(z, "xl/worksheets/sheet1.xml", sheet);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mkxlsx KIND OUT.xlsx\n");
		return 64;
	}
	const char *kind = argv[1];
	int ze;
	zip_t *z = zip_open(argv[2], ZIP_CREATE | ZIP_TRUNCATE, &ze);
	if (!z) {
		fprintf(stderr, "mkxlsx: cannot create %s\n", argv[2]);
		return 73;
	}
	if (strcmp(kind, "moved") == 0)
		dir = "wb/";
	add(z, "[Content_Types].xml", content_types);
	add(z, "_rels/.rels", strcmp(kind, "moved") == 0 ? moved_rels : root_rels);
	add(z, "xl/_rels/workbook.xml.rels", book_rels);
	add(z, "xl/styles.xml", styles);
	char *big = NULL, *strings = NULL;
	if (strcmp(kind, "form") == 0 || strcmp(kind, "moved") == 0) {
		form(z, 0);
	} else if (strcmp(kind, "dtd") == 0) {
		one_sheet(z, "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
			     "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
			     "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
			     "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
			     "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>");
	} else if (strcmp(kind, "xxe") == 0) {
		one_sheet(z, "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>"
			     "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&secret;</t></is></c></row></sheetData></worksheet>");
	} else if (strcmp(kind, "sst-range") == 0) {
		one_sheet(z, SHEET_HEAD "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>4000000000</v></c></row>" SHEET_TAIL);
	} else if (strcmp(kind, "order") == 0) {
		one_sheet(z, SHEET_HEAD "<row r=\"1\"><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"A1\" t=\"s\"><v>0</v></c></row>" SHEET_TAIL);
	} else if (strcmp(kind, "bomb") == 0) {
		size_t n = (size_t)300 << 20;
		big = malloc(n + 200);
		if (!big)
			return 71;
		size_t h = (size_t)sprintf(big, SHEET_HEAD);
		memset(big + h, ' ', n);
		strcpy(big + h + n, SHEET_TAIL);
		one_sheet(z, big);
	} else if (strcmp(kind, "rows") == 0) {
		/* the header, blank rows to Excel's last, then one row past it */
		size_t cap = (size_t)40 << 20, len = 0;
		big = malloc(cap);
		if (!big)
			return 71;
		len += (size_t)sprintf(big, SHEET_HEAD "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>");
		for (unsigned long r = 2; r <= 1048577UL; r++)
			len += (size_t)sprintf(big + len, "<row r=\"%lu\"/>", r);
		strcpy(big + len, SHEET_TAIL);
		one_sheet(z, big);
	} else if (strcmp(kind, "strbomb") == 0) {
		/* a string bomb: a bulk header, then 1 100 rows of 64 cells that
		 * all name one shared string of 4 000 bytes — 280 MB of cell
		 * text, every cell and row within its bound, from a file of a
		 * few tens of kilobytes */
		size_t cap = (size_t)8 << 20, len = 0;
		big = malloc(cap);
		strings = malloc(8192);
		if (!big || !strings)
			return 71;
		len += (size_t)sprintf(big, SHEET_HEAD "<row r=\"1\">");
		static const char *const hdr[] = { "部门代码", "部门名称", "主管部门代码", "所属领域", "年度", "填报日期" };
		for (int c = 0; c < 6; c++)
			len += (size_t)sprintf(big + len, "<c r=\"%c1\" t=\"inlineStr\"><is><t>%s</t></is></c>", 'A' + c, hdr[c]);
		len += (size_t)sprintf(big + len, "</row>");
		for (unsigned r = 2; r <= 1101; r++) {
			len += (size_t)sprintf(big + len, "<row r=\"%u\">", r);
			for (int c = 0; c < 64; c++)
				len += (size_t)sprintf(big + len, "<c r=\"%c%c%u\" t=\"s\"><v>0</v></c>", 'A' + c / 26, 'A' + c % 26, r);
			len += (size_t)sprintf(big + len, "</row>");
		}
		strcpy(big + len, SHEET_TAIL);
		int h = sprintf(strings, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sst xmlns=\"http://schemas.openxmlformats.org/"
					 "spreadsheetml/2006/main\" count=\"1\" uniqueCount=\"1\"><si><t>");
		memset(strings + h, 'A', 4000);
		strcpy(strings + h + 4000, "</t></si></sst>");
		add(z, "xl/workbook.xml", book("<sheet name=\"表1\" sheetId=\"1\" r:id=\"rId1\"/>", 0));
		add(z, "xl/sharedStrings.xml", strings);
		add(z, "xl/worksheets/sheet1.xml", big);
	} else if (strcmp(kind, "encrypted") == 0) {
		form(z, 0);
		zip_int64_t i = zip_name_locate(z, "xl/worksheets/sheet1.xml", 0);
		if (i < 0 || zip_file_set_encryption(z, (zip_uint64_t)i, ZIP_EM_AES_256, "secret") < 0) {
			fprintf(stderr, "mkxlsx: cannot encrypt: %s\n", zip_strerror(z));
			return 1;
		}
	} else if (strcmp(kind, "sheets") == 0) {
		/* 10 001 sheets, one past the bound, all naming the one part */
		size_t cap = (size_t)1 << 20, len = 0;
		big = malloc(cap);
		if (!big)
			return 71;
		big[0] = '\0';
		for (int k = 1; k <= 10001; k++)
			len += (size_t)snprintf(big + len, cap - len, "<sheet name=\"S%d\" sheetId=\"%d\" r:id=\"rId1\"/>", k, k);
		add(z, "xl/workbook.xml", book(big, 0));
		add(z, "xl/worksheets/sheet1.xml", SHEET_HEAD SHEET_TAIL);
	} else if (strcmp(kind, "nosheet") == 0) {
		add(z, "xl/workbook.xml", book("<sheet name=\"图表\" sheetId=\"2\" r:id=\"rId2\"/>", 0));
		add(z, "xl/chartsheets/sheet1.xml", "<chartsheet/>");
	} else {
		fprintf(stderr, "mkxlsx: unknown kind %s\n", kind);
		return 64;
	}
	if (zip_close(z) < 0) {
		fprintf(stderr, "mkxlsx: %s: %s\n", argv[2], zip_strerror(z));
		return 74;
	}
	free(big);
	free(strings);
	return 0;
}
