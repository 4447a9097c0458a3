/* The dates of SPEC §2.3 parsed and checked (date.h). */
#include "deptperf/date.h"

#include <stdint.h>
#include <string.h>

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

static bool valid(int y, int m, int d)
{
	return y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* valid() bounds the parts (a million dates of a bulk export went through
 * snprintf here, a percent of dp-normalize's time). */
static void put_iso(char iso[11], int y, int m, int d)
{
	iso[0] = (char)('0' + y / 1000);
	iso[1] = (char)('0' + y / 100 % 10);
	iso[2] = (char)('0' + y / 10 % 10);
	iso[3] = (char)('0' + y % 10);
	iso[4] = '-';
	iso[5] = (char)('0' + m / 10);
	iso[6] = (char)('0' + m % 10);
	iso[7] = '-';
	iso[8] = (char)('0' + d / 10);
	iso[9] = (char)('0' + d % 10);
	iso[10] = '\0';
}

/* Reads 1..maxd digits; returns the count read. */
static size_t digits(const char *s, size_t n, size_t maxd, int *v)
{
	size_t i = 0;
	*v = 0;
	while (i < n && i < maxd && s[i] >= '0' && s[i] <= '9')
		*v = *v * 10 + (s[i++] - '0');
	return i;
}

/* Civil date from days since 1970-01-01 (Howard Hinnant's algorithm). */
static void civil(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

bool dp_date_parse(const char *s, size_t n, char iso[11])
{
	int y, m, d;
	size_t i = digits(s, n, 8, &y);
	if (i == n && n == 8) {
		/* 20220606 */
		m = (y / 100) % 100;
		d = y % 100;
		y /= 10000;
		if (!valid(y, m, d))
			return false;
		put_iso(iso, y, m, d);
		return true;
	}
	if (i == n && n >= 1 && n <= 6) {
		/* an Excel serial (1900 system): 1 is 1900-01-01; Excel counts a
		 * 1900-02-29 that never was (serial 60), so later serials are one
		 * day ahead of the calendar */
		if (y < 1 || y == 60)
			return false;
		int64_t days_from_1970 = y > 60 ? (int64_t)y - 25569 : (int64_t)y - 25568;
		civil(days_from_1970, &y, &m, &d);
		if (!valid(y, m, d))
			return false;
		put_iso(iso, y, m, d);
		return true;
	}
	if (i != 4 || i >= n)
		return false;
	const char *sep1, *sep2, *sep3 = NULL;
	size_t l1, l2;
	if (n - i >= 3 && memcmp(s + i, "年", 3) == 0) {
		sep1 = "年";
		sep2 = "月";
		sep3 = "日";
	} else if (s[i] == '-' || s[i] == '/' || s[i] == '.') {
		static const char seps[] = "-/.";
		const char *c = strchr(seps, s[i]);
		static const char *one[] = { "-", "/", "." };
		sep1 = sep2 = one[c - seps];
	} else {
		return false;
	}
	l1 = strlen(sep1);
	i += l1;
	size_t k = digits(s + i, n - i, 2, &m);
	if (!k)
		return false;
	i += k;
	l2 = strlen(sep2);
	if (n - i < l2 || memcmp(s + i, sep2, l2) != 0)
		return false;
	i += l2;
	k = digits(s + i, n - i, 2, &d);
	if (!k)
		return false;
	i += k;
	if (sep3) {
		size_t l3 = strlen(sep3);
		if (n - i >= l3 && memcmp(s + i, sep3, l3) == 0)
			i += l3;
	}
	if (i != n || !valid(y, m, d))
		return false;
	put_iso(iso, y, m, d);
	return true;
}
