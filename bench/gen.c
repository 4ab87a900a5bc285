/* manyi-gen — deterministic synthetic data for manyi's example and benchmarks.
 *
 * Writes customers.csv, orders.csv, interactions.csv, tickets.csv and
 * responses.csv (UTF-8, header row, RFC 4180 quoting, LF line ends) into a
 * directory. Every value comes from a counter-based generator keyed by
 * (seed, table, row number), using only integer arithmetic, so the same seed
 * and counts give byte-identical files on every machine, and one table can be
 * regenerated alone with --only (pass the same --customers: the other tables
 * refer to customers by number and read their creation date, activity and
 * satisfaction from the same per-customer stream).
 *
 * Single C11 file, libc only (no libm; no floating point in the data). Build:
 *   gcc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -o manyi-gen bench/gen.c
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define PROG "manyi-gen"
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ PRNG */

/* splitmix64: the finaliser is a strong 64-bit mixer; the stream adds the
 * golden gamma. Each row gets its own stream seeded from (seed, table, row). */
static inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

typedef struct {
    uint64_t s;
} rng;

static inline uint64_t next64(rng *r)
{
    r->s += 0x9e3779b97f4a7c15ULL;
    return mix64(r->s);
}

static uint64_t g_table_key[8];

static inline rng row_rng(int table, uint64_t row)
{
    rng r = {mix64(g_table_key[table] + row * 0xd1b54a32d192ed03ULL)};
    return r;
}

/* Uniform integer in [0, n), n < 2^32 (multiply-shift; bias < 2^-32). */
static inline uint32_t below(rng *r, uint32_t n)
{
    return (uint32_t)(((next64(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi] inclusive. */
static inline int64_t between(rng *r, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)(hi - lo) + 1;
    if (span <= 0xffffffffULL)
        return lo + below(r, (uint32_t)span);
    return lo + (int64_t)((next64(r) >> 1) % span);
}

/* True with probability per10k / 10000. */
static inline int chance(rng *r, uint32_t per10k)
{
    return below(r, 10000) < per10k;
}

/* Approximately standard normal, times 1000 (sum of four 16-bit uniforms,
 * range about +-3.46 sd). Integer only, so identical everywhere. */
static inline int gauss1000(rng *r)
{
    uint64_t x = next64(r);
    int64_t s = (int64_t)(x & 0xffff) + (int64_t)((x >> 16) & 0xffff) + (int64_t)((x >> 32) & 0xffff) +
                (int64_t)(x >> 48);
    return (int)((s - 131070) * 1000 / 37837);
}

/* Index drawn with probability proportional to w[i]. */
static unsigned pickw(rng *r, const unsigned *w, unsigned n)
{
    unsigned total = 0;
    for (unsigned i = 0; i < n; i++)
        total += w[i];
    unsigned x = below(r, total);
    for (unsigned i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}
#define PICK(r, w) pickw((r), (w), (unsigned)NELEM(w))

static inline int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* x in thousandths -> nearest integer, clamped to [lo, hi] (lo >= 0). */
static inline int round_clamp(int x, int lo, int hi)
{
    int v = x < 0 ? 0 : (x + 500) / 1000;
    return clampi(v, lo, hi);
}

/* ----------------------------------------------------------------- dates */

static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int32_t z, int *yy, int *mm, int *dd)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int y = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *dd = doy - (153 * mp + 2) / 5 + 1;
    *mm = mp < 10 ? mp + 3 : mp - 9;
    *yy = y + (*mm <= 2);
}

/* "YYYY-MM-DD" for every day in [TAB_FROM, TAB_TO). */
static int32_t TAB_FROM, TAB_TO;
static char (*g_datestr)[10];

/* Windows, as local (+08:00) calendar days. */
static int32_t CUST_FROM, CUST_TO;  /* customers created 2019-01-01 .. 2026-06-30 */
static int32_t ACT_FROM, ACT_TO;    /* activity 2025-01-01 .. 2026-10-31 */
static int32_t BIRTH_FROM, BIRTH_TO; /* birthdays 1945-01-01 .. 2006-12-31 */
static int64_t NOW_LOCAL;           /* 2026-10-31T23:59:59+08:00 as local seconds */

static int init_dates(void)
{
    TAB_FROM = days_from_civil(1940, 1, 1);
    TAB_TO = days_from_civil(2028, 1, 1);
    g_datestr = malloc((size_t)(TAB_TO - TAB_FROM) * sizeof *g_datestr);
    if (!g_datestr)
        return -1;
    for (int32_t d = TAB_FROM; d < TAB_TO; d++) {
        int y, m, dd;
        civil_from_days(d, &y, &m, &dd);
        char *p = g_datestr[d - TAB_FROM];
        p[0] = (char)('0' + y / 1000);
        p[1] = (char)('0' + y / 100 % 10);
        p[2] = (char)('0' + y / 10 % 10);
        p[3] = (char)('0' + y % 10);
        p[4] = '-';
        p[5] = (char)('0' + m / 10);
        p[6] = (char)('0' + m % 10);
        p[7] = '-';
        p[8] = (char)('0' + dd / 10);
        p[9] = (char)('0' + dd % 10);
    }
    CUST_FROM = days_from_civil(2019, 1, 1);
    CUST_TO = days_from_civil(2026, 6, 30);
    ACT_FROM = days_from_civil(2025, 1, 1);
    ACT_TO = days_from_civil(2026, 10, 31);
    BIRTH_FROM = days_from_civil(1945, 1, 1);
    BIRTH_TO = days_from_civil(2006, 12, 31);
    NOW_LOCAL = (int64_t)ACT_TO * 86400 + 86399;
    return 0;
}

/* Hour-of-day profiles (relative weights for 00..23 local). */
static const unsigned HOURS_SHOP[24] = {2, 1, 1, 0, 0, 0, 1, 2, 4, 6, 8, 8, 7, 7, 7, 7, 7, 7, 8, 9, 10, 9, 6, 3};
static const unsigned HOURS_OFFICE[24] = {1, 0, 0, 0, 0, 0, 0, 1, 4, 9, 10, 9, 5, 7, 9, 9, 8, 6, 3, 2, 2, 2, 1, 1};
static const unsigned HOURS_EVENING[24] = {2, 1, 0, 0, 0, 0, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 6, 8, 9, 9, 7, 4};

/* A local instant (seconds since 1970 as if local time were UTC) on a day in
 * [d0, d1], with the hour drawn from a profile. */
static int64_t rand_instant(rng *r, int32_t d0, int32_t d1, const unsigned *hours)
{
    int32_t day = (int32_t)between(r, d0, d1);
    unsigned h = pickw(r, hours, 24);
    return (int64_t)day * 86400 + h * 3600 + below(r, 3600);
}

/* A day in [max(lo, created), hi]; recent customers are active from the day
 * they were created. */
static inline int32_t from_day(int32_t lo, int32_t created)
{
    return created > lo ? created : lo;
}

/* --------------------------------------------------------------- output */

#define OUT_CAP (4u << 20)
#define ROW_MAX 8192u

typedef struct {
    FILE *f;
    char *buf;
    size_t len;
    unsigned long long bytes;
    int failed;
} out;

static void out_flush(out *o)
{
    if (o->len && !o->failed) {
        if (fwrite(o->buf, 1, o->len, o->f) != o->len)
            o->failed = errno ? errno : EIO;
    }
    o->bytes += o->len;
    o->len = 0;
}

/* Every row is far shorter than ROW_MAX, so the put_* functions below only
 * need this one check per row. */
static inline void row_begin(out *o)
{
    if (OUT_CAP - o->len < ROW_MAX)
        out_flush(o);
}

static inline void put_ch(out *o, char c)
{
    o->buf[o->len++] = c;
}

static inline void put_mem(out *o, const char *s, size_t n)
{
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static inline void put_str(out *o, const char *s)
{
    put_mem(o, s, strlen(s));
}

static inline void put_uint(out *o, uint64_t v)
{
    char tmp[24];
    int i = 24;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put_mem(o, tmp + i, (size_t)(24 - i));
}

/* Zero-padded to at least width digits. */
static inline void put_uint_pad(out *o, uint64_t v, int width)
{
    char tmp[24];
    int i = 24;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (24 - i < width)
        tmp[--i] = '0';
    put_mem(o, tmp + i, (size_t)(24 - i));
}

static inline void put_2d(out *o, unsigned v)
{
    o->buf[o->len] = (char)('0' + v / 10);
    o->buf[o->len + 1] = (char)('0' + v % 10);
    o->len += 2;
}

static inline void put_date(out *o, int32_t day)
{
    put_mem(o, g_datestr[day - TAB_FROM], 10);
}

/* "YYYY-MM-DDTHH:MM:SS+08:00" from local seconds. */
static inline void put_instant(out *o, int64_t t)
{
    int32_t day = (int32_t)(t / 86400);
    unsigned s = (unsigned)(t % 86400);
    put_date(o, day);
    put_ch(o, 'T');
    put_2d(o, s / 3600);
    put_ch(o, ':');
    put_2d(o, s / 60 % 60);
    put_ch(o, ':');
    put_2d(o, s % 60);
    put_mem(o, "+08:00", 6);
}

/* Amount in cents as "123.45". */
static inline void put_money(out *o, uint64_t cents)
{
    put_uint(o, cents / 100);
    put_ch(o, '.');
    put_2d(o, (unsigned)(cents % 100));
}

/* A CSV field: quoted (with "" for ") when it holds a comma, quote, CR or LF. */
static void put_csv(out *o, const char *s)
{
    size_t n = strlen(s);
    if (strcspn(s, ",\"\r\n") == n) {
        put_mem(o, s, n);
        return;
    }
    put_ch(o, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            put_ch(o, '"');
        put_ch(o, s[i]);
    }
    put_ch(o, '"');
}

static inline void put_sep(out *o)
{
    put_ch(o, ',');
}

static inline void put_nl(out *o)
{
    put_ch(o, '\n');
}

static inline void put_cust_id(out *o, uint32_t idx)
{
    put_ch(o, 'C');
    put_uint_pad(o, (uint64_t)idx + 1, 7);
}

/* ----------------------------------------------------------- word lists */

typedef struct {
    const char *zh;
    const char *py; /* pinyin or ASCII form, lower case */
    unsigned w;
} word;

static const word SURNAMES[] = {
    {"王", "wang", 710}, {"李", "li", 700},    {"张", "zhang", 670}, {"刘", "liu", 540},   {"陈", "chen", 450},
    {"杨", "yang", 310}, {"黄", "huang", 220}, {"赵", "zhao", 200},  {"吴", "wu", 180},    {"周", "zhou", 170},
    {"徐", "xu", 130},   {"孙", "sun", 130},   {"马", "ma", 110},    {"朱", "zhu", 110},   {"胡", "hu", 100},
    {"郭", "guo", 100},  {"何", "he", 90},     {"林", "lin", 90},    {"高", "gao", 90},    {"罗", "luo", 80},
    {"郑", "zheng", 80}, {"梁", "liang", 70},  {"谢", "xie", 60},    {"宋", "song", 50},   {"唐", "tang", 50},
    {"许", "xu", 50},    {"韩", "han", 50},    {"冯", "feng", 45},   {"邓", "deng", 45},   {"曹", "cao", 40},
    {"彭", "peng", 40},  {"曾", "zeng", 40},   {"肖", "xiao", 40},   {"田", "tian", 35},   {"董", "dong", 35},
    {"袁", "yuan", 35},  {"潘", "pan", 30},    {"于", "yu", 30},     {"蒋", "jiang", 30},  {"蔡", "cai", 30},
    {"余", "yu", 30},    {"杜", "du", 30},     {"叶", "ye", 30},     {"程", "cheng", 30},  {"苏", "su", 25},
    {"魏", "wei", 25},   {"吕", "lv", 25},     {"丁", "ding", 25},   {"任", "ren", 25},    {"沈", "shen", 25},
    {"欧阳", "ouyang", 8}, {"司马", "sima", 2}, {"诸葛", "zhuge", 1}, {"上官", "shangguan", 2},
};

/* Given-name characters; w == 2: only as the first of two characters. */
static const word GIVEN[] = {
    {"伟", "wei", 1},  {"芳", "fang", 1}, {"娜", "na", 1},    {"敏", "min", 1},   {"静", "jing", 1}, {"丽", "li", 1},
    {"强", "qiang", 1}, {"磊", "lei", 1}, {"军", "jun", 1},   {"洋", "yang", 1},  {"勇", "yong", 1}, {"艳", "yan", 1},
    {"杰", "jie", 1},  {"娟", "juan", 1}, {"涛", "tao", 1},   {"明", "ming", 1},  {"超", "chao", 1}, {"秀", "xiu", 1},
    {"霞", "xia", 1},  {"平", "ping", 1}, {"刚", "gang", 1},  {"桂", "gui", 1},   {"英", "ying", 1}, {"华", "hua", 1},
    {"玉", "yu", 1},   {"萍", "ping", 1}, {"红", "hong", 1},  {"建", "jian", 1},  {"国", "guo", 1},  {"文", "wen", 1},
    {"辉", "hui", 1},  {"鑫", "xin", 1},  {"宇", "yu", 1},    {"浩", "hao", 1},   {"欣", "xin", 1},  {"怡", "yi", 1},
    {"婷", "ting", 1}, {"雪", "xue", 1},  {"琳", "lin", 1},   {"晨", "chen", 1},  {"子", "zi", 2},   {"梓", "zi", 2},
    {"涵", "han", 1},  {"轩", "xuan", 1}, {"博", "bo", 1},    {"思", "si", 2},    {"佳", "jia", 1},  {"俊", "jun", 1},
    {"凯", "kai", 1},  {"雨", "yu", 1},   {"嘉", "jia", 1},   {"晓", "xiao", 2},  {"志", "zhi", 1},  {"海", "hai", 1},
    {"春", "chun", 1}, {"梅", "mei", 1},  {"兰", "lan", 1},   {"亮", "liang", 1}, {"斌", "bin", 1},  {"一", "yi", 2},
};

static const word LATIN_FIRST[] = {
    {"James", "james", 1},     {"Mary", "mary", 1},         {"John", "john", 1},     {"Patricia", "patricia", 1},
    {"Robert", "robert", 1},   {"Jennifer", "jennifer", 1}, {"Michael", "michael", 1}, {"Linda", "linda", 1},
    {"David", "david", 1},     {"Elizabeth", "elizabeth", 1}, {"Maria", "maria", 1}, {"José", "jose", 1},
    {"Zoë", "zoe", 1},         {"François", "francois", 1}, {"Søren", "soren", 1},   {"Anna", "anna", 1},
    {"Ahmed", "ahmed", 1},     {"Priya", "priya", 1},       {"Yuki", "yuki", 1},     {"Olga", "olga", 1},
    {"Lucas", "lucas", 1},     {"Sofia", "sofia", 1},       {"Mohammed", "mohammed", 1}, {"Fatima", "fatima", 1},
    {"Kenji", "kenji", 1},     {"Hannah", "hannah", 1},     {"Noah", "noah", 1},     {"Emma", "emma", 1},
    {"Liam", "liam", 1},       {"Chloé", "chloe", 1},       {"Björn", "bjorn", 1},   {"Ana", "ana", 1},
    {"Pedro", "pedro", 1},     {"Ivan", "ivan", 1},         {"Kevin", "kevin", 1},   {"Grace", "grace", 1},
    {"Tony", "tony", 1},       {"Vivian", "vivian", 1},     {"Jack", "jack", 1},     {"Cindy", "cindy", 1},
};

static const word LATIN_LAST[] = {
    {"Smith", "smith", 1},       {"Johnson", "johnson", 1},   {"Williams", "williams", 1}, {"Brown", "brown", 1},
    {"Jones", "jones", 1},       {"García", "garcia", 1},     {"Miller", "miller", 1},     {"Davis", "davis", 1},
    {"Müller", "mueller", 1},    {"O'Brien", "obrien", 1},    {"Rossi", "rossi", 1},       {"Schmidt", "schmidt", 1},
    {"Dubois", "dubois", 1},     {"Kowalski", "kowalski", 1}, {"Nguyen", "nguyen", 1},     {"Tanaka", "tanaka", 1},
    {"Kim", "kim", 1},           {"Singh", "singh", 1},       {"Silva", "silva", 1},       {"Ivanov", "ivanov", 1},
    {"Andersson", "andersson", 1}, {"van der Berg", "vanderberg", 1}, {"Smith-Jones", "smithjones", 1},
    {"Petrov", "petrov", 1},     {"Novák", "novak", 1},       {"Rahman", "rahman", 1},     {"Okafor", "okafor", 1},
    {"Cohen", "cohen", 1},       {"Lefèvre", "lefevre", 1},   {"Yamamoto", "yamamoto", 1},
};

static const char *const REGIONS[] = {"North", "South", "East", "West", "Central"};
static const unsigned REGION_W[] = {22, 22, 26, 12, 18};
static const int REGION_EFFECT[] = {120, -60, 220, -320, 0}; /* latent satisfaction, thousandths */

/* Cities by region (for company and agency names). */
static const word CITIES[5][5] = {
    {{"北京", "beijing", 1}, {"天津", "tianjin", 1}, {"沈阳", "shenyang", 1}, {"哈尔滨", "harbin", 1}, {"石家庄", "shijiazhuang", 1}},
    {{"广州", "guangzhou", 1}, {"深圳", "shenzhen", 1}, {"厦门", "xiamen", 1}, {"南宁", "nanning", 1}, {"海口", "haikou", 1}},
    {{"上海", "shanghai", 1}, {"杭州", "hangzhou", 1}, {"南京", "nanjing", 1}, {"苏州", "suzhou", 1}, {"青岛", "qingdao", 1}},
    {{"成都", "chengdu", 1}, {"重庆", "chongqing", 1}, {"西安", "xian", 1}, {"昆明", "kunming", 1}, {"兰州", "lanzhou", 1}},
    {{"武汉", "wuhan", 1}, {"长沙", "changsha", 1}, {"郑州", "zhengzhou", 1}, {"合肥", "hefei", 1}, {"南昌", "nanchang", 1}},
};
static const char *const CITY_EN[5][5] = {
    {"Beijing", "Tianjin", "Shenyang", "Harbin", "Shijiazhuang"},
    {"Guangzhou", "Shenzhen", "Xiamen", "Nanning", "Haikou"},
    {"Shanghai", "Hangzhou", "Nanjing", "Suzhou", "Qingdao"},
    {"Chengdu", "Chongqing", "Xi'an", "Kunming", "Lanzhou"},
    {"Wuhan", "Changsha", "Zhengzhou", "Hefei", "Nanchang"},
};

static const word BRANDS_ZH[] = {
    {"宏达", "hongda", 1}, {"华信", "huaxin", 1}, {"恒通", "hengtong", 1}, {"金鑫", "jinxin", 1},
    {"永盛", "yongsheng", 1}, {"东方", "dongfang", 1}, {"天成", "tiancheng", 1}, {"博远", "boyuan", 1},
    {"新锐", "xinrui", 1}, {"瑞丰", "ruifeng", 1}, {"中科", "zhongke", 1}, {"嘉禾", "jiahe", 1},
    {"九州", "jiuzhou", 1}, {"长城", "changcheng", 1}, {"鼎盛", "dingsheng", 1}, {"海纳", "haina", 1},
};

static const word BRANDS_EN[] = {
    {"Acme", "acme", 1},           {"Golden Sun", "goldensun", 1}, {"Evergreen", "evergreen", 1},
    {"Harbor", "harbor", 1},       {"Pioneer", "pioneer", 1},      {"Summit", "summit", 1},
    {"Orient", "orient", 1},       {"Bright Star", "brightstar", 1}, {"Lotus", "lotus", 1},
    {"Jade River", "jaderiver", 1}, {"Phoenix", "phoenix", 1},     {"Silver Bay", "silverbay", 1},
    {"Northwind", "northwind", 1}, {"Red Lantern", "redlantern", 1}, {"Blue Whale", "bluewhale", 1},
};

enum { IND_RETAIL, IND_MANUFACTURING, IND_FINANCE, IND_EDUCATION, IND_HEALTHCARE, IND_GOVERNMENT, IND_OTHER };
static const char *const INDUSTRIES[] = {"retail", "manufacturing", "finance", "education", "healthcare", "government", "other"};
static const unsigned INDUSTRY_COMPANY_W[] = {25, 30, 10, 8, 10, 0, 17};
static const unsigned INDUSTRY_PERSON_W[] = {22, 25, 12, 12, 12, 6, 11};
static const char *const INDUSTRY_ZH[7][2] = {
    {"贸易", "商贸"}, {"机械制造", "电子"}, {"投资", "金融服务"}, {"教育科技", "培训"},
    {"医疗器械", "医药"}, {"公共服务", "公共服务"}, {"物流", "文化传媒"},
};
static const char *const INDUSTRY_EN[7][2] = {
    {"Trading", "Retail"}, {"Manufacturing", "Electronics"}, {"Capital", "Financial Services"},
    {"Education", "Learning"}, {"Medical", "Health"}, {"Public Services", "Public Services"}, {"Logistics", "Media"},
};
static const char *const EN_SUFFIX[] = {" Co., Ltd.", " Ltd.", ", Inc.", " Group", " Corporation", " Co., Ltd."};
static const char *const AGENCY_ZH[] = {"市场监督管理局", "商务局", "第一人民医院", "教育局", "市政工程管理处", "公安局后勤处"};
static const char *const AGENCY_EN[] = {" Municipal Bureau of Commerce", " Administration for Market Regulation",
                                        " Municipal Education Bureau", " Public Works Department"};

static const char *const MOBILE_PREFIX[] = {"138", "139", "135", "136", "137", "150", "151", "152", "158", "159",
                                            "186", "187", "188", "130", "131", "132", "155", "156", "185", "133",
                                            "153", "180", "189", "177", "199", "166", "198"};
static const char *const AREA_CODE[5] = {"10", "20", "21", "28", "27"}; /* by region */
static const char *const MAIL_DOMAINS[] = {"example.com", "example.net", "example.org", "mail.example.com",
                                           "corp.example.net"};

/* Activity class: a tier-like spend level. Weight = how often the customer
 * orders / answers / calls; the top 10 % of customers place about two thirds
 * of the orders (roughly Pareto 80/20). */
static const unsigned CLASS_W[] = {500, 250, 150, 70, 25, 5}; /* per 1000 customers */
static const unsigned CLASS_BASE[] = {1, 3, 8, 25, 80, 300};
static const int CLASS_EFFECT[] = {-150, -60, 40, 140, 240, 300};

enum { KIND_PERSON, KIND_COMPANY, KIND_GOVERNMENT };
static const char *const KINDS[] = {"person", "company", "government"};
static const unsigned KIND_W[] = {85, 13, 2};

/* ------------------------------------------------------------ customers */

/* --design stratified: customers carry a tier (from their spend class), and
 * every response answers an invitation of its own that carries the stratum
 * (the customer's tier) and a design weight: the inverse of the tier's
 * sampling fraction (A 1/2, B 1/5, C 1/20, P 1/50) times a nonresponse
 * adjustment by region. Weights are exact decimals, so every reader gets the
 * same doubles. */
static int g_design;
static const char *const TIER_OF_CLASS[] = {"P", "C", "C", "B", "A", "A"};
static const unsigned DESIGN_BASE_V[] = {2, 5, 20, 50};
static const unsigned REGION_ADJ_PER100[] = {100, 105, 110, 120, 130}; /* North South East West Central */
static int tier_index(const char *t)
{
    return t[0] == 'A' ? 0 : t[0] == 'B' ? 1 : t[0] == 'C' ? 2 : 3;
}

enum { T_CORE = 0, T_CUSTOMERS, T_ORDERS, T_INTERACTIONS, T_TICKETS, T_RESPONSES, T_STAFF };

/* What other tables need to know about customer i. */
typedef struct {
    int32_t created; /* local day */
    int16_t latent;  /* satisfaction, thousandths of an sd-ish unit */
    uint8_t kind, region, cls;
    uint16_t weight;
} core;

static void core_of(uint32_t i, core *c)
{
    rng r = row_rng(T_CORE, i);
    c->kind = (uint8_t)PICK(&r, KIND_W);
    c->region = (uint8_t)PICK(&r, REGION_W);
    unsigned cls = PICK(&r, CLASS_W);
    if (c->kind != KIND_PERSON && cls < 5 && chance(&r, 5000))
        cls++;
    c->cls = (uint8_t)cls;
    c->weight = (uint16_t)(CLASS_BASE[cls] * (8 + below(&r, 17))); /* x0.5 .. x1.5, in 16ths */
    /* More customers joined recently: half are max-of-two (triangular). */
    uint32_t span = (uint32_t)(CUST_TO - CUST_FROM + 1);
    uint32_t a = below(&r, span), b = below(&r, span);
    if (chance(&r, 5000) && b > a)
        a = b;
    c->created = CUST_FROM + (int32_t)a;
    int lat = REGION_EFFECT[c->region] + CLASS_EFFECT[cls] + (c->kind == KIND_GOVERNMENT ? -100 : 0) +
              gauss1000(&r) * 700 / 1000;
    c->latent = (int16_t)clampi(lat, -4000, 4000);
}

/* Walker/Vose alias table over customer weights, integer only. */
typedef struct {
    uint32_t n;
    uint64_t total;
    uint64_t *prob;  /* threshold in [0, total] */
    uint32_t *alias;
    core *cores;
} population;

static int population_build(population *p, uint32_t n)
{
    p->n = n;
    p->cores = malloc((size_t)n * sizeof *p->cores);
    p->prob = malloc((size_t)n * sizeof *p->prob);
    p->alias = malloc((size_t)n * sizeof *p->alias);
    uint32_t *work = malloc((size_t)n * sizeof *work);
    uint64_t *scaled = malloc((size_t)n * sizeof *scaled);
    if (!p->cores || !p->prob || !p->alias || !work || !scaled) {
        free(work);
        free(scaled);
        return -1;
    }
    p->total = 0;
    for (uint32_t i = 0; i < n; i++) {
        core_of(i, &p->cores[i]);
        p->total += p->cores[i].weight;
    }
    /* scaled[i] = w_i * n; a column is "full" at total. Small ones fill the
     * work array from the front, large ones from the back. */
    uint32_t ns = 0, nl = n;
    for (uint32_t i = 0; i < n; i++) {
        scaled[i] = (uint64_t)p->cores[i].weight * n;
        if (scaled[i] < p->total)
            work[ns++] = i;
        else
            work[--nl] = i;
    }
    while (ns > 0 && nl < n) {
        uint32_t s = work[--ns];
        uint32_t l = work[nl];
        p->prob[s] = scaled[s];
        p->alias[s] = l;
        scaled[l] = scaled[l] + scaled[s] - p->total;
        if (scaled[l] < p->total) {
            nl++;
            work[ns++] = l;
        }
    }
    while (nl < n) {
        uint32_t l = work[nl++];
        p->prob[l] = p->total;
        p->alias[l] = l;
    }
    while (ns > 0) { /* only reachable through rounding; cannot happen with integers */
        uint32_t s = work[--ns];
        p->prob[s] = p->total;
        p->alias[s] = s;
    }
    free(work);
    free(scaled);
    return 0;
}

static inline uint32_t population_draw(const population *p, rng *r)
{
    uint32_t j = below(r, p->n);
    uint64_t x = (next64(r) >> 1) % p->total;
    return x < p->prob[j] ? j : p->alias[j];
}

static const char *pick_word(rng *r, const word *ws, size_t n, unsigned weighted, const char **py)
{
    size_t k;
    if (weighted) {
        unsigned total = 0;
        for (size_t i = 0; i < n; i++)
            total += ws[i].w;
        unsigned x = below(r, total);
        for (k = 0; k + 1 < n && x >= ws[k].w; k++)
            x -= ws[k].w;
    } else {
        k = below(r, (uint32_t)n);
    }
    if (py)
        *py = ws[k].py;
    return ws[k].zh;
}

/* A Chinese name into name; the pinyin of surname and given characters
 * (g2py is "" for a one-character given name). */
static void chinese_name(rng *r, char *name, size_t n, const char **spy, const char **g1py, const char **g2py)
{
    const char *s = pick_word(r, SURNAMES, NELEM(SURNAMES), 1, spy);
    size_t k1 = below(r, (uint32_t)NELEM(GIVEN)), k2;
    const char *g1 = GIVEN[k1].zh, *g2 = "";
    *g1py = GIVEN[k1].py;
    *g2py = "";
    if (GIVEN[k1].w == 2 || chance(r, 7000)) { /* w == 2: only starts a given name */
        do
            k2 = below(r, (uint32_t)NELEM(GIVEN));
        while (GIVEN[k2].w == 2);
        g2 = GIVEN[k2].zh;
        *g2py = GIVEN[k2].py;
    }
    snprintf(name, n, "%s%s%s", s, g1, g2);
}

static void gen_customer(out *o, uint32_t i)
{
    core c;
    core_of(i, &c);
    rng r = row_rng(T_CUSTOMERS, i);
    char name[256], mail_local[128] = "";
    const char *mail_domain = MAIL_DOMAINS[PICK(&r, ((const unsigned[]){40, 20, 15, 15, 10}))];
    int industry = -1;

    if (c.kind == KIND_PERSON) {
        unsigned style = PICK(&r, ((const unsigned[]){72, 20, 8})); /* Chinese, Latin, English+pinyin */
        if (style == 0) {
            const char *spy, *g1py, *g2py;
            chinese_name(&r, name, sizeof name, &spy, &g1py, &g2py);
            switch (below(&r, 4)) {
            case 0: snprintf(mail_local, sizeof mail_local, "%s.%s%s", spy, g1py, g2py); break;
            case 1: snprintf(mail_local, sizeof mail_local, "%s%s%s%u", spy, g1py, g2py, below(&r, 100)); break;
            case 2: snprintf(mail_local, sizeof mail_local, "%s%s%s", g1py, g2py, spy); break;
            default: snprintf(mail_local, sizeof mail_local, "%u", 10000000 + below(&r, 900000000)); break;
            }
        } else {
            const char *fpy, *lpy;
            const char *f = pick_word(&r, LATIN_FIRST, NELEM(LATIN_FIRST), 0, &fpy);
            char last[64];
            if (style == 1) {
                snprintf(last, sizeof last, "%s", pick_word(&r, LATIN_LAST, NELEM(LATIN_LAST), 0, &lpy));
            } else {
                pick_word(&r, SURNAMES, NELEM(SURNAMES), 1, &lpy);
                snprintf(last, sizeof last, "%s", lpy);
                last[0] = (char)(last[0] - 'a' + 'A');
            }
            snprintf(name, sizeof name, "%s %s", f, last);
            if (chance(&r, 5000))
                snprintf(mail_local, sizeof mail_local, "%s.%s", fpy, lpy);
            else
                snprintf(mail_local, sizeof mail_local, "%c%s%u", fpy[0], lpy, below(&r, 1000));
        }
        if (chance(&r, 4500))
            industry = (int)PICK(&r, INDUSTRY_PERSON_W);
    } else if (c.kind == KIND_COMPANY) {
        industry = (int)PICK(&r, INDUSTRY_COMPANY_W);
        unsigned city = below(&r, 5);
        const char *bpy;
        if (chance(&r, 5500)) {
            const char *b = pick_word(&r, BRANDS_ZH, NELEM(BRANDS_ZH), 0, &bpy);
            snprintf(name, sizeof name, "%s%s%s有限公司", CITIES[c.region][city].zh, b,
                     INDUSTRY_ZH[industry][below(&r, 2)]);
        } else {
            const char *b = pick_word(&r, BRANDS_EN, NELEM(BRANDS_EN), 0, &bpy);
            const char *ind = INDUSTRY_EN[industry][below(&r, 2)];
            const char *suf = EN_SUFFIX[below(&r, (uint32_t)NELEM(EN_SUFFIX))];
            if (chance(&r, 300)) /* a nickname in quotes */
                snprintf(name, sizeof name, "\"%s\" %s%s", b, ind, suf);
            else if (chance(&r, 1500))
                snprintf(name, sizeof name, "%s %s %s%s", CITY_EN[c.region][city], b, ind, suf);
            else
                snprintf(name, sizeof name, "%s %s%s", b, ind, suf);
        }
        snprintf(mail_local, sizeof mail_local, "%s.%s", chance(&r, 5000) ? "service" : "sales", bpy);
    } else {
        industry = IND_GOVERNMENT;
        unsigned city = below(&r, 5);
        if (chance(&r, 7000))
            snprintf(name, sizeof name, "%s%s", CITIES[c.region][city].zh,
                     AGENCY_ZH[below(&r, (uint32_t)NELEM(AGENCY_ZH))]);
        else
            snprintf(name, sizeof name, "%s%s", CITY_EN[c.region][city],
                     AGENCY_EN[below(&r, (uint32_t)NELEM(AGENCY_EN))]);
        snprintf(mail_local, sizeof mail_local, "office.%s", CITIES[c.region][city].py);
        mail_domain = "gov.example.org";
    }

    row_begin(o);
    put_cust_id(o, i);
    put_sep(o);
    put_csv(o, name);
    put_sep(o);
    put_str(o, KINDS[c.kind]);
    put_sep(o);
    put_str(o, REGIONS[c.region]);
    put_sep(o);
    if (industry >= 0)
        put_str(o, INDUSTRIES[industry]);
    put_sep(o);
    /* phone */
    if (chance(&r, c.kind == KIND_PERSON ? 8800 : 9500)) {
        if (c.kind == KIND_PERSON || chance(&r, 3000)) {
            put_mem(o, "+86 ", 4);
            put_str(o, MOBILE_PREFIX[below(&r, (uint32_t)NELEM(MOBILE_PREFIX))]);
            put_ch(o, ' ');
            put_uint_pad(o, below(&r, 10000), 4);
            put_ch(o, ' ');
            put_uint_pad(o, below(&r, 10000), 4);
        } else {
            put_mem(o, "+86 ", 4);
            put_str(o, AREA_CODE[c.region]);
            put_ch(o, ' ');
            put_uint_pad(o, 5000 + below(&r, 5000), 4);
            put_ch(o, ' ');
            put_uint_pad(o, below(&r, 10000), 4);
        }
    }
    put_sep(o);
    /* email */
    if (chance(&r, c.kind == KIND_PERSON ? 7000 : 9000)) {
        put_str(o, mail_local);
        put_ch(o, '@');
        put_str(o, mail_domain);
    }
    put_sep(o);
    /* birthday: persons only, unknown for about 5 % */
    if (c.kind == KIND_PERSON && chance(&r, 9500))
        put_date(o, (int32_t)between(&r, BIRTH_FROM, BIRTH_TO));
    put_sep(o);
    put_ch(o, chance(&r, 6000) ? '1' : '0');
    put_sep(o);
    put_ch(o, chance(&r, 5000) ? '1' : '0');
    put_sep(o);
    put_ch(o, chance(&r, 4000) ? '1' : '0');
    put_sep(o);
    put_date(o, c.created);
    /* referred_by, drawn last so that every other column keeps its bytes:
     * 6 % of customers get a candidate referrer listed before them, kept
     * when it joined no later (about half are: about 3 % referred). Listed
     * before: the file imports in order, and no referral goes round. */
    put_sep(o);
    if (i > 0 && chance(&r, 600)) {
        uint32_t j = below(&r, i);
        core rc;
        core_of(j, &rc);
        if (rc.created <= c.created)
            put_cust_id(o, j);
    }
    if (g_design) {
        put_sep(o);
        put_str(o, TIER_OF_CLASS[c.cls]);
    }
    put_nl(o);
}

/* --------------------------------------------------------------- orders */

static const char *const ORDER_STATUS[] = {"placed", "paid", "shipped", "completed", "cancelled", "refunded"};
static const unsigned ORDER_ST_OLD[] = {5, 10, 10, 820, 120, 35};
static const unsigned ORDER_ST_2W[] = {30, 100, 400, 400, 50, 20};
static const unsigned ORDER_ST_3D[] = {200, 300, 400, 0, 100, 0};
/* Amount buckets, cents. */
static const uint64_t AMOUNT_LO[] = {1000, 10000, 50000, 200000, 1000000};
static const uint64_t AMOUNT_HI[] = {10000, 50000, 200000, 1000000, 5000000};
static const unsigned AMOUNT_W[] = {25, 30, 25, 15, 5};

static void gen_order(out *o, const population *p, uint64_t k)
{
    rng r = row_rng(T_ORDERS, k);
    uint32_t ci = population_draw(p, &r);
    const core *c = &p->cores[ci];
    unsigned b = PICK(&r, AMOUNT_W);
    if (b < 4 && (c->kind != KIND_PERSON || c->cls >= 4) && chance(&r, 4000))
        b++;
    /* skewed towards the low end of the bucket: min of two uniforms */
    uint64_t x1 = (uint64_t)between(&r, (int64_t)AMOUNT_LO[b], (int64_t)AMOUNT_HI[b]);
    uint64_t x2 = (uint64_t)between(&r, (int64_t)AMOUNT_LO[b], (int64_t)AMOUNT_HI[b]);
    uint64_t cents = x1 < x2 ? x1 : x2;
    unsigned style = below(&r, 100);
    if (style < 45) { /* price point: 1299.00 */
        uint64_t yuan = cents / 100;
        if (yuan >= 20)
            yuan = yuan / 10 * 10 - 1;
        cents = yuan * 100;
    } else if (style < 80) {
        cents = cents / 100 * 100;
    }
    if (cents < 1000)
        cents = 1000;
    if (cents > 5000000)
        cents = 5000000;
    int64_t t = rand_instant(&r, from_day(ACT_FROM, c->created), ACT_TO, HOURS_SHOP);
    int64_t age_days = (NOW_LOCAL - t) / 86400;
    const unsigned *sw = age_days < 3 ? ORDER_ST_3D : age_days < 14 ? ORDER_ST_2W : ORDER_ST_OLD;
    unsigned st = pickw(&r, sw, (unsigned)NELEM(ORDER_ST_OLD));

    row_begin(o);
    put_ch(o, 'O');
    put_uint_pad(o, k + 1, 8);
    put_sep(o);
    put_cust_id(o, ci);
    put_sep(o);
    put_money(o, cents);
    put_mem(o, ",CNY,", 5);
    put_instant(o, t);
    put_sep(o);
    put_str(o, ORDER_STATUS[st]);
    put_nl(o);
}

/* --------------------------------------------------------- interactions */

static const char *const CHANNELS[] = {"phone", "email", "social", "chat", "visit", "web"};
static const unsigned INTER_CH_W[] = {35, 20, 10, 25, 10, 0};
static const char *const INBOUND_SUMMARY[] = {
    "Asked about delivery time",
    "咨询保修期限",
    "Complaint: late delivery, wants a refund",
    "询问发票开具，要求增值税专用发票",
    "Customer said \"the screen flickers\" after update",
    "Change of address",
    "问了一下退换货流程",
    "Billing question, charged twice",
    "Requested the manual in English",
    "表扬了上门维修的师傅，服务很好",
    "Wants to upgrade, asked for a quote",
    "反映安装人员迟到两个小时",
    "Password reset",
    "询问积分怎么兑换",
    "Asked whether the warranty covers water damage",
    "投诉：客服电话打不通, 等了半小时",
};
/* Outbound: the first OUTBOUND_ANY entries fit every channel, the rest are calls. */
#define OUTBOUND_ANY 8
static const char *const OUTBOUND_SUMMARY[] = {
    "回访：对维修结果满意",
    "Birthday greeting sent",
    "Survey invitation",
    "Reminder: warranty expires soon",
    "Sent quote for the \"premium care\" plan",
    "节日问候",
    "确认上门时间：周六上午",
    "Apologised for the delay, offered a coupon",
    "Follow-up call after repair",
    "提醒保养，客户说下周再约",
    "Called back, no answer",
    "Left voicemail, will try again tomorrow",
};

static uint32_t g_nstaff; /* interactions refer to staff S001 .. S<g_nstaff> */

static void gen_interaction(out *o, const population *p, uint64_t k)
{
    rng r = row_rng(T_INTERACTIONS, k);
    uint32_t ci = population_draw(p, &r);
    const core *c = &p->cores[ci];
    unsigned ch = PICK(&r, INTER_CH_W);
    unsigned in_per10k = ch == 4 ? 8000 : ch == 0 ? 5500 : 7000;
    int inbound = chance(&r, in_per10k);
    int64_t t = rand_instant(&r, from_day(ACT_FROM, c->created), ACT_TO,
                             (ch == 0 || ch == 4 || !inbound) ? HOURS_OFFICE : HOURS_EVENING);
    unsigned no_staff = ch == 2 || ch == 3 ? 3000 : ch == 1 ? 1500 : 300;
    const char *summary = inbound ? INBOUND_SUMMARY[below(&r, (uint32_t)NELEM(INBOUND_SUMMARY))]
                                  : OUTBOUND_SUMMARY[below(&r, ch == 0 ? (uint32_t)NELEM(OUTBOUND_SUMMARY)
                                                                        : OUTBOUND_ANY)];

    row_begin(o);
    put_ch(o, 'I');
    put_uint_pad(o, k + 1, 8);
    put_sep(o);
    put_cust_id(o, ci);
    put_sep(o);
    put_str(o, CHANNELS[ch]);
    put_sep(o);
    put_str(o, inbound ? "inbound" : "outbound");
    put_sep(o);
    put_instant(o, t);
    put_sep(o);
    if (!chance(&r, no_staff) && g_nstaff > 0) {
        put_ch(o, 'S');
        put_uint_pad(o, 1 + below(&r, g_nstaff), 3);
    }
    put_sep(o);
    put_csv(o, summary);
    put_nl(o);
}

/* -------------------------------------------------------------- tickets */

enum { TK_INQUIRY, TK_COMPLAINT, TK_AFTER_SALES, TK_BUSINESS };
static const char *const TICKET_KINDS[] = {"inquiry", "complaint", "after_sales", "business_request"};
static const unsigned TICKET_KIND_W[] = {45, 18, 32, 5};
static const char *const CATEGORIES[] = {"general", "technical", "product_quality"};
static const unsigned CATEGORY_W[4][3] = {{70, 25, 5}, {40, 20, 40}, {10, 55, 35}, {90, 10, 0}};
static const char *const SEVERITIES[] = {"low", "medium", "high", "critical"};
static const unsigned SEVERITY_W[4][4] = {{45, 38, 15, 2}, {15, 40, 35, 10}, {30, 40, 24, 6}, {60, 35, 5, 0}};
static const unsigned TICKET_CH_W[] = {35, 15, 8, 20, 7, 15};
static const char *const DEPARTMENTS[] = {"support", "technical", "quality", "hotline"};
static const char *const TICKET_STATUS[] = {"new", "open", "pending", "resolved", "closed"};
/* first response delay by priority 1..4: [lo, hi] minutes */
static const int RESP_MIN[4][2] = {{3, 90}, {10, 480}, {30, 1440}, {60, 4320}};
/* resolution after first response by kind: [lo, hi] minutes */
static const int RESOLVE_MIN[4][2] = {{20, 2880}, {60, 5760}, {240, 14400}, {1440, 20160}};

static const char *const SUBJECTS[4][10] = {
    {"How do I reset the device?", "咨询产品保修政策", "Invoice request for order", "询问配件价格",
     "Do you ship to Hong Kong, Macau or Taiwan?", "怎样预约上门安装？", "Question about \"trade-in\" offer",
     "会员积分查询", "Opening hours of the service centre", "说明书在哪里下载"},
    {"Rude staff at the service centre", "送货延迟一周，没人通知", "Charged twice, no refund yet",
     "维修后问题依旧，要求退货", "Technician did not show up", "客服态度差, 多次转接",
     "Product arrived damaged", "投诉：承诺的\"免费上门\"没有兑现", "Refund still pending after 30 days",
     "电话一直打不通"},
    {"Washing machine leaks", "空调不制冷", "Screen cracked after two weeks", "冰箱噪音大，晚上影响睡眠",
     "Battery drains fast", "Replacement part wrong, again", "热水器无法点火", "Printer jams, error E05",
     "设备无法开机, 指示灯闪烁", "Remote control not working"},
    {"Bulk order for 200 units", "申请成为区域代理", "Request for a custom quote, 3-year service",
     "合作洽谈：门店陈列", "Tender documents for school project", "企业采购发票抬头变更",
     "Partnership proposal", "大客户年度框架协议续签", "Training for our technicians", "申请样机测试"},
};
static const char *const SUBJECT_MORE[] = {"客户来电两次", "see attached photo", "Order number in the first line",
                                           "已按流程登记", "Customer prefers a call after 6 pm",
                                           "第二次报修"};

static uint32_t staff_of(rng *r, unsigned dept);

static void gen_ticket(out *o, const population *p, uint64_t k)
{
    rng r = row_rng(T_TICKETS, k);
    uint32_t ci = population_draw(p, &r);
    const core *c = &p->cores[ci];
    unsigned kind = PICK(&r, TICKET_KIND_W);
    unsigned cat = pickw(&r, CATEGORY_W[kind], 3);
    unsigned sev = pickw(&r, SEVERITY_W[kind], 4);
    unsigned ch = PICK(&r, TICKET_CH_W);
    unsigned prio;
    switch (sev) {
    case 3: prio = 1; break;
    case 2: prio = chance(&r, 8000) ? 2 : 1; break;
    case 1: prio = chance(&r, 8000) ? 3 : 2; break;
    default: prio = chance(&r, 7000) ? 4 : 3; break;
    }
    unsigned dept = cat; /* general->support, technical->technical, quality->quality */
    int64_t opened = rand_instant(&r, from_day(ACT_FROM, c->created), ACT_TO,
                                  ch == 0 || ch == 4 ? HOURS_OFFICE : HOURS_EVENING);
    unsigned hour = (unsigned)(opened % 86400 / 3600);
    if (ch == 0 && (chance(&r, 2500) || hour < 8 || hour >= 19 || (sev == 3 && chance(&r, 5000))))
        dept = 3;

    /* Timeline, in seconds. First-contact resolution for simple inquiries. */
    int64_t first = -1, resolved = -1;
    int quick = kind == TK_INQUIRY && (ch == 0 || ch == 3) && chance(&r, 3000);
    int64_t dresp, dres;
    if (quick) {
        dresp = between(&r, 30, 600);
        dres = between(&r, 60, 1200);
    } else {
        int lo = RESP_MIN[prio - 1][0], hi = RESP_MIN[prio - 1][1];
        int64_t a = between(&r, lo, hi), b = between(&r, lo, hi);
        dresp = (a < b ? a : b) * 60 + below(&r, 60);
        if (chance(&r, 800)) /* a breach: late well past the target */
            dresp *= 3;
        lo = RESOLVE_MIN[kind][0];
        hi = RESOLVE_MIN[kind][1];
        a = between(&r, lo, hi);
        b = between(&r, lo, hi);
        dres = (a < b ? a : b) * 60 + below(&r, 60);
        if (chance(&r, 500))
            dres *= 4;
    }
    unsigned st;
    unsigned u = below(&r, 10000);
    if (u < 40) { /* forgotten in the queue */
        st = 0;
    } else if (opened + dresp > NOW_LOCAL) {
        st = 0;
    } else {
        first = opened + dresp;
        if (u < 250 || first + dres > NOW_LOCAL) {
            st = chance(&r, 7000) ? 1 : 2;
        } else {
            resolved = first + dres;
            int recent = NOW_LOCAL - resolved < 7 * 86400;
            st = chance(&r, recent ? 8000 : 1500) ? 3 : 4;
        }
    }
    const char *subject = SUBJECTS[kind][below(&r, 10)];
    const char *more = chance(&r, 50) ? SUBJECT_MORE[below(&r, (uint32_t)NELEM(SUBJECT_MORE))] : NULL;
    /* drawn last, so the other columns are those of tickets without it */
    uint32_t assignee = st == 0 ? 0 : staff_of(&r, dept);

    row_begin(o);
    put_ch(o, 'T');
    put_uint_pad(o, k + 1, 7);
    put_sep(o);
    put_cust_id(o, ci);
    put_sep(o);
    put_str(o, TICKET_KINDS[kind]);
    put_sep(o);
    put_str(o, CATEGORIES[cat]);
    put_sep(o);
    put_str(o, SEVERITIES[sev]);
    put_sep(o);
    put_str(o, CHANNELS[ch]);
    put_sep(o);
    put_ch(o, (char)('0' + prio));
    put_sep(o);
    put_str(o, DEPARTMENTS[dept]);
    put_sep(o);
    put_str(o, TICKET_STATUS[st]);
    put_sep(o);
    put_instant(o, opened);
    put_sep(o);
    if (first >= 0)
        put_instant(o, first);
    put_sep(o);
    if (resolved >= 0)
        put_instant(o, resolved);
    put_sep(o);
    if (assignee) {
        put_ch(o, 'S');
        put_uint_pad(o, assignee, 3);
    }
    put_sep(o);
    if (more) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s\n%s", subject, more);
        put_csv(o, buf);
    } else {
        put_csv(o, subject);
    }
    put_nl(o);
}

/* ------------------------------------------------------------ responses */

static const char *const RESP_CHANNELS[] = {"email", "sms", "phone", "web"};
static const unsigned RESP_CH_W[] = {40, 25, 15, 20};
enum { Q_OVERALL, Q_QUALITY, Q_ATTITUDE, Q_SPEED, Q_REPAIR, Q_PRICE, Q_EXPLAIN, Q_WAIT, Q_NPS, NQ };
/* Drivers quality, attitude, speed, repair, price, explain: loading on the
 * latent satisfaction and bias (thousandths); overall is their weighted sum
 * with the dimension weights of examples/after-sales/manyi.yaml. */
static const int DRV_LOAD[6] = {900, 750, 800, 850, 550, 700};
static const int DRV_BIAS[6] = {250, 550, 50, 150, -250, 400};
static const int DRV_WEIGHT[6] = {250, 200, 200, 150, 100, 100};

static const char *const COMMENT_POS[] = {
    "师傅很专业，态度也好",
    "Quick fix, thank you!",
    "Great service, the technician explained everything.",
    "很满意，下次还会选择你们",
    "Friendly staff, fast delivery, fair price",
    "上门准时，点赞",
};
static const char *const COMMENT_NEG[] = {
    "等了三天才有人联系我，太慢了",
    "Nobody called back, I had to chase you twice.",
    "Price is too high for what you get",
    "维修后还是有问题，希望尽快处理",
    "The agent said \"not our problem\" and hung up",
    "电话打不通，在线客服也不回复",
};
static const char *const COMMENT_MID[] = {
    "还行吧",
    "OK, but the app is confusing",
    "Delivery fine, installation took long",
    "希望能延长保修期, 其他都好",
};

typedef struct {
    uint32_t ci;
    int64_t t;
    unsigned ch;
    int q[NQ]; /* -1 = missing */
    const char *comment;
} answer;

static void make_answer(rng *r, const population *p, answer *a)
{
    a->ci = population_draw(p, r);
    const core *c = &p->cores[a->ci];
    a->t = rand_instant(r, from_day(ACT_FROM, c->created), ACT_TO, HOURS_EVENING);
    a->ch = PICK(r, RESP_CH_W);
    a->comment = NULL;
    if (chance(r, 150)) { /* straight-liner */
        static const int SL_V[] = {5, 4, 3, 1};
        static const unsigned SL_W[] = {70, 15, 10, 5};
        int v = SL_V[PICK(r, SL_W)];
        for (int q = 0; q < Q_NPS; q++)
            a->q[q] = v;
        a->q[Q_NPS] = v * 2;
        return;
    }
    int lat = c->latent + gauss1000(r) * 450 / 1000;
    int d[6];
    long sum = 0;
    for (int k = 0; k < 6; k++) {
        d[k] = 3500 + DRV_BIAS[k] + DRV_LOAD[k] * lat / 1000 + gauss1000(r) * 700 / 1000;
        sum += (long)DRV_WEIGHT[k] * d[k];
    }
    int overall = (int)(sum / 1000) + 300 + gauss1000(r) * 350 / 1000;
    int wait = 2900 - (d[2] - 3500) * 800 / 1000 + gauss1000(r) * 600 / 1000;
    int nps = (overall - 1000) * 10 / 4 + 600 + gauss1000(r);
    a->q[Q_OVERALL] = round_clamp(overall, 1, 5);
    for (int k = 0; k < 6; k++)
        a->q[Q_QUALITY + k] = round_clamp(d[k], 1, 5);
    a->q[Q_WAIT] = round_clamp(wait, 1, 5);
    a->q[Q_NPS] = round_clamp(nps, 0, 10);
    for (int q = 0; q < NQ; q++)
        if (chance(r, q == Q_OVERALL ? 150 : 300))
            a->q[q] = -1;
    int ov = a->q[Q_OVERALL];
    if (chance(r, ov >= 0 && ov <= 2 ? 1500 : 600)) {
        if (ov >= 4)
            a->comment = COMMENT_POS[below(r, (uint32_t)NELEM(COMMENT_POS))];
        else if (ov >= 0 && ov <= 2)
            a->comment = COMMENT_NEG[below(r, (uint32_t)NELEM(COMMENT_NEG))];
        else
            a->comment = COMMENT_MID[below(r, (uint32_t)NELEM(COMMENT_MID))];
    }
}

/* "<letter><k+1, 9 digits>,csat,<customer>," : the start of a response's or
 * an invitation's row. */
static void put_survey_row_head(out *o, char letter, uint64_t k, uint32_t ci)
{
    put_ch(o, letter);
    put_uint_pad(o, k + 1, 9);
    put_mem(o, ",csat,", 6);
    put_cust_id(o, ci);
    put_sep(o);
}

/* Responses depend on the previous row only for duplicates (about 0.3 % of
 * rows resubmit the previous answer a few minutes later). */
static void gen_response(out *o, out *inv, const population *p, uint64_t k, answer *prev)
{
    rng r = row_rng(T_RESPONSES, k);
    answer a;
    if (k > 0 && chance(&r, 30) && prev->t + 900 < NOW_LOCAL) {
        a = *prev;
        a.t = prev->t + between(&r, 5, 900);
    } else {
        make_answer(&r, p, &a);
    }
    int dur;
    if (chance(&r, 200)) {
        dur = 20 + (int)below(&r, 10); /* speeder */
    } else {
        static const unsigned TAIL_W[] = {55, 30, 12, 3};
        static const uint32_t TAIL[] = {120, 400, 900, 1700};
        dur = 45 + (int)below(&r, 60) + (int)below(&r, TAIL[PICK(&r, TAIL_W)]);
        if (a.ch == 2)
            dur += 60;
        if (dur > 1800)
            dur = 1800;
    }
    *prev = a;

    row_begin(o);
    put_survey_row_head(o, 'R', k, a.ci);
    put_instant(o, a.t);
    put_sep(o);
    put_uint(o, (uint64_t)dur);
    put_sep(o);
    put_str(o, RESP_CHANNELS[a.ch]);
    for (int q = 0; q < NQ; q++) {
        put_sep(o);
        if (a.q[q] >= 10)
            put_mem(o, "10", 2);
        else if (a.q[q] >= 0)
            put_ch(o, (char)('0' + a.q[q]));
    }
    put_sep(o);
    if (a.comment)
        put_csv(o, a.comment);
    if (inv) {
        /* invitation I<k+1>: to the same customer, by the response's channel, one
         * to three days before the answer (UTC epoch seconds) */
        put_sep(o);
        put_ch(o, 'I');
        put_uint_pad(o, k + 1, 9);
        const core *c = &p->cores[a.ci];
        int t = tier_index(TIER_OF_CLASS[c->cls]);
        unsigned adj = REGION_ADJ_PER100[c->region];
        row_begin(inv);
        put_survey_row_head(inv, 'I', k, a.ci);
        put_str(inv, RESP_CHANNELS[a.ch]);
        put_sep(inv);
        put_str(inv, TIER_OF_CLASS[c->cls]);
        put_sep(inv);
        unsigned w100 = DESIGN_BASE_V[t] * adj; /* weight x 100 */
        put_uint(inv, w100 / 100);
        if (w100 % 100) {
            put_ch(inv, '.');
            put_2d(inv, w100 % 100);
        }
        put_sep(inv);
        put_uint(inv, (uint64_t)(a.t - 8 * 3600 - 86400 - (int64_t)(k % 172800)));
        put_nl(inv);
    }
    put_nl(o);
}

/* ---------------------------------------------------------------- staff */

#define MAX_STAFF 999u
static const unsigned STAFF_DEPT_W[] = {40, 25, 15, 20}; /* support, technical, quality, hotline */
static char g_os_users[MAX_STAFF][40];

/* Staff member k's name, OS user (before it is made unique), department
 * and whether active: every draw from its row's stream, so tickets can find
 * a department's staff without writing them. */
static void staff_draw(uint64_t k, char *name, size_t nname, char *user, size_t nuser, unsigned *dept,
                       int *active)
{
    rng r = row_rng(T_STAFF, k);
    const char *spy, *g1py, *g2py;
    if (chance(&r, 8500)) {
        chinese_name(&r, name, nname, &spy, &g1py, &g2py);
        snprintf(user, nuser, "%s%c%.1s", spy, g1py[0], g2py);
    } else {
        const char *f = pick_word(&r, LATIN_FIRST, NELEM(LATIN_FIRST), 0, &g1py);
        pick_word(&r, SURNAMES, NELEM(SURNAMES), 1, &spy);
        snprintf(name, nname, "%s %c%s", f, spy[0] - 'a' + 'A', spy + 1);
        snprintf(user, nuser, "%s.%s", g1py, spy);
    }
    *dept = PICK(&r, STAFF_DEPT_W);
    *active = chance(&r, 9300);
}

/* The active staff S001 .. S<g_nstaff> by department, for the tickets'
 * assignees (staff_index fills it before any row is written). */
static uint32_t g_dept_staff[4][MAX_STAFF], g_dept_nstaff[4];

static void staff_index(void)
{
    for (uint32_t k = 0; k < g_nstaff && k < MAX_STAFF; k++) {
        char name[256], user[40];
        unsigned dept;
        int active;
        staff_draw(k, name, sizeof name, user, sizeof user, &dept, &active);
        if (active)
            g_dept_staff[dept][g_dept_nstaff[dept]++] = k + 1;
    }
}

/* An active staff member of dept (1-based), 0 if it has none. */
static uint32_t staff_of(rng *r, unsigned dept)
{
    uint32_t n = g_dept_nstaff[dept];
    return n ? g_dept_staff[dept][below(r, n)] : 0;
}

static void gen_staff(out *o, uint64_t k)
{
    char name[256], user[40];
    unsigned dept;
    int active;
    staff_draw(k, name, sizeof name, user, sizeof user, &dept, &active);
    /* os_user is unique: the second wangw becomes wangw2. */
    size_t base = strlen(user);
    for (unsigned n = 2;; n++) {
        uint64_t j = 0;
        while (j < k && strcmp(g_os_users[j], user) != 0)
            j++;
        if (j == k)
            break;
        snprintf(user + base, sizeof user - base, "%u", n);
    }
    memcpy(g_os_users[k], user, sizeof user);

    row_begin(o);
    put_ch(o, 'S');
    put_uint_pad(o, k + 1, 3);
    put_sep(o);
    put_csv(o, name);
    put_sep(o);
    put_str(o, DEPARTMENTS[dept]);
    put_sep(o);
    put_str(o, user);
    put_sep(o);
    put_ch(o, active ? '1' : '0');
    put_nl(o);
}

/* ------------------------------------------------------------- driver */

enum { TB_CUSTOMERS, TB_STAFF, TB_ORDERS, TB_INTERACTIONS, TB_TICKETS, TB_RESPONSES, NTB };
static const char *const TB_NAME[NTB] = {"customers", "staff", "orders", "interactions", "tickets", "responses"};
static const char *const TB_HEADER[NTB] = {
    "external_id,name,kind,region,industry,phone,email,birthday,consent_email,consent_sms,consent_phone,created_at,"
    "referred_by\n",
    "external_id,name,department,os_user,active\n",
    "external_id,customer_id,amount,currency,ordered_at,status\n",
    "external_id,customer_id,channel,direction,occurred_at,staff_id,summary\n",
    "external_id,customer_id,kind,category,severity,channel,priority,department,status,opened_at,"
    "first_response_at,resolved_at,assignee,subject\n",
    "external_id,survey,customer_id,submitted_at,duration_s,channel,q_overall,q_quality,q_attitude,q_speed,"
    "q_repair,q_price,q_explain,q_wait,q_nps,q_comment\n",
};
/* Defaults: the bundled example (examples/after-sales/data). */
static const uint64_t TB_DEFAULT[NTB] = {2000, 40, 20000, 6000, 3000, 5000};
#define MAX_CUSTOMERS 99999999ULL
#define MAX_ROWS 999999999ULL

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int mkdir_p(const char *dir)
{
    char path[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] == '/' || path[i] == 0) {
            char save = path[i];
            path[i] = 0;
            if (mkdir(path, 0777) != 0 && errno != EEXIST)
                return -1;
            path[i] = save;
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

/* Opens DIR/NAME.csv.tmp for writing into o (path and tmp filled). */
static int out_open(out *o, const char *dir, const char *name, char *path, size_t pathsz, char *tmp,
                    size_t tmpsz)
{
    if ((size_t)snprintf(path, pathsz, "%s/%s.csv", dir, name) >= pathsz) {
        fprintf(stderr, PROG ": output path too long: %s\n", dir);
        return -1;
    }
    snprintf(tmp, tmpsz, "%s.tmp", path);
    memset(o, 0, sizeof *o);
    o->f = fopen(tmp, "wb");
    if (!o->f) {
        fprintf(stderr, PROG ": cannot create %s: %s\n", tmp, strerror(errno));
        return -1;
    }
    setvbuf(o->f, NULL, _IONBF, 0);
    o->buf = malloc(OUT_CAP);
    if (!o->buf) {
        fprintf(stderr, PROG ": out of memory\n");
        fclose(o->f);
        remove(tmp);
        return -1;
    }
    return 0;
}

/* Flushes and closes o, then renames tmp to path (or removes tmp on failure). */
static int out_close(out *o, const char *path, const char *tmp, int progress)
{
    out_flush(o);
    int err = o->failed;
    if (fclose(o->f) != 0 && !err)
        err = errno ? errno : EIO;
    free(o->buf);
    if (err) {
        fprintf(stderr, "%s" PROG ": cannot write %s: %s\n", progress ? "\n" : "", tmp, strerror(err));
        remove(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        fprintf(stderr, PROG ": cannot rename %s to %s: %s\n", tmp, path, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}

static int write_table(const char *dir, int tb, uint64_t rows, const population *pop, int progress)
{
    char path[4096], tmp[4200], ipath[4096], itmp[4200];
    out o, inv;
    int with_inv = tb == TB_RESPONSES && g_design;
    if (out_open(&o, dir, TB_NAME[tb], path, sizeof path, tmp, sizeof tmp))
        return -1;
    if (with_inv && out_open(&inv, dir, "invitations", ipath, sizeof ipath, itmp, sizeof itmp)) {
        fclose(o.f);
        free(o.buf);
        remove(tmp);
        return -1;
    }
    double t0 = now_s();
    row_begin(&o);
    put_str(&o, TB_HEADER[tb]);
    if (g_design && (tb == TB_CUSTOMERS || tb == TB_RESPONSES)) {
        o.len--; /* the header's line end */
        put_str(&o, tb == TB_CUSTOMERS ? ",tier\n" : ",invitation\n");
    }
    if (with_inv) {
        row_begin(&inv);
        put_str(&inv, "external_id,survey,customer_id,channel,stratum,weight,created_at\n");
    }
    answer prev;
    memset(&prev, 0, sizeof prev);
    for (uint64_t k = 0; k < rows && !o.failed && !(with_inv && inv.failed); k++) {
        switch (tb) {
        case TB_CUSTOMERS: gen_customer(&o, (uint32_t)k); break;
        case TB_STAFF: gen_staff(&o, k); break;
        case TB_ORDERS: gen_order(&o, pop, k); break;
        case TB_INTERACTIONS: gen_interaction(&o, pop, k); break;
        case TB_TICKETS: gen_ticket(&o, pop, k); break;
        default: gen_response(&o, with_inv ? &inv : NULL, pop, k, &prev); break;
        }
        if (progress && (k & 0x3ffff) == 0x3ffff)
            fprintf(stderr, "\r%-12s %3u%%  %llu/%llu rows", TB_NAME[tb], (unsigned)((k + 1) * 100 / rows),
                    (unsigned long long)(k + 1), (unsigned long long)rows);
    }
    if (with_inv && out_close(&inv, ipath, itmp, progress)) {
        fclose(o.f);
        free(o.buf);
        remove(tmp);
        return -1;
    }
    if (out_close(&o, path, tmp, progress))
        return -1;
    if (progress)
        fprintf(stderr, "\r%-12s %llu rows, %.1f MB in %.1f s -> %s\n", TB_NAME[tb], (unsigned long long)rows,
                (double)o.bytes / 1e6, now_s() - t0, path);
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " PROG " --out DIR [--customers N] [--orders N] [--tickets N] [--responses N]\n"
            "                 [--interactions N] [--staff N] [--seed S] [--only TABLE[,TABLE...]]\n"
            "\n"
            "Writes deterministic synthetic data for manyi as CSV files (UTF-8, header\n"
            "row, RFC 4180 quoting, LF line ends) into DIR, which is created if missing:\n"
            "customers.csv, staff.csv, orders.csv, interactions.csv, tickets.csv,\n"
            "responses.csv.\n"
            "The same seed and counts give byte-identical files on every machine.\n"
            "\n"
            "  --out DIR          output directory (required)\n"
            "  --customers N      customers (default 2000, at most 99999999)\n"
            "  --orders N         orders (default 20000)\n"
            "  --interactions N   interactions (default 6000)\n"
            "  --tickets N        service tickets (default 3000)\n"
            "  --responses N      survey responses, survey csat (default 5000)\n"
            "  --staff N          staff members S001.., whom interactions and tickets name (default 40,\n"
            "                     at most 999)\n"
            "  --seed S           unsigned 64-bit seed (default 42)\n"
            "  --design stratified\n"
            "                     a stratified survey design: customers.csv gets a tier\n"
            "                     column (from the spend class), responses.csv an\n"
            "                     invitation column, and invitations.csv is written with\n"
            "                     the responses: one invitation per response, to its\n"
            "                     customer, with stratum = tier and design weight =\n"
            "                     1/sampling fraction (A 2, B 5, C 20, P 50) x a region\n"
            "                     adjustment (North 1, South 1.05, East 1.1, West 1.2,\n"
            "                     Central 1.3); created_at in UTC epoch seconds. Without\n"
            "                     it the files are as before, byte for byte\n"
            "  --only LIST        write only these tables, comma separated, e.g.\n"
            "                     --only customers,responses; other tables still refer to\n"
            "                     the same customers (and staff) if --customers, --staff\n"
            "                     and --seed are the same\n"
            "  -h, --help         show this help\n"
            "\n"
            "N accepts a suffix k (x1000) or M (x1000000): --responses 10M.\n"
            "Defaults are the bundled example (examples/after-sales/data).\n"
            "A progress line is shown on stderr when it is a terminal.\n");
}

/* Whole number with an optional k/M suffix; 0..max. */
static int parse_count(const char *opt, const char *s, uint64_t max, uint64_t *outv)
{
    uint64_t v = 0;
    const char *p = s;
    if (*p < '0' || *p > '9')
        goto bad;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - 9) / 10)
            goto range;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (*p == 'k' || *p == 'K') {
        if (v > UINT64_MAX / 1000)
            goto range;
        v *= 1000;
        p++;
    } else if (*p == 'M' || *p == 'm') {
        if (v > UINT64_MAX / 1000000)
            goto range;
        v *= 1000000;
        p++;
    }
    if (*p)
        goto bad;
    if (v > max)
        goto range;
    *outv = v;
    return 0;
bad:
    fprintf(stderr, PROG ": %s: '%s' is not a whole number (examples: 2000, 20k, 10M)\n", opt, s);
    return -1;
range:
    fprintf(stderr, PROG ": %s: '%s' is too large (at most %llu)\n", opt, s, (unsigned long long)max);
    return -1;
}

static int parse_only(const char *s, int *want)
{
    for (int t = 0; t < NTB; t++)
        want[t] = 0;
    const char *p = s;
    for (;;) {
        size_t n = strcspn(p, ",");
        int found = -1;
        for (int t = 0; t < NTB; t++)
            if (strlen(TB_NAME[t]) == n && strncmp(p, TB_NAME[t], n) == 0)
                found = t;
        if (found < 0) {
            fprintf(stderr,
                    PROG ": --only: unknown table '%.*s' (tables: customers, staff, orders, interactions, "
                         "tickets, responses)\n",
                    (int)n, p);
            return -1;
        }
        want[found] = 1;
        if (!p[n])
            break;
        p += n + 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *outdir = NULL;
    uint64_t count[NTB], seed = 42;
    int want[NTB];
    for (int t = 0; t < NTB; t++) {
        count[t] = TB_DEFAULT[t];
        want[t] = 1;
    }

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, PROG ": unexpected argument '%s' (see --help)\n", a);
            return 2;
        }
        /* --name VALUE or --name=VALUE */
        char name[64];
        const char *val;
        const char *eq = strchr(a, '=');
        if (eq) {
            size_t n = (size_t)(eq - a);
            if (n >= sizeof name)
                n = sizeof name - 1;
            memcpy(name, a, n);
            name[n] = 0;
            val = eq + 1;
        } else {
            snprintf(name, sizeof name, "%s", a);
            val = NULL;
        }
        static const char *const known[] = {"--out",       "--customers", "--orders", "--interactions", "--tickets",
                                            "--responses", "--seed",      "--only",   "--staff",
                                            "--design"};
        int k = -1;
        for (int j = 0; j < (int)NELEM(known); j++)
            if (strcmp(name, known[j]) == 0)
                k = j;
        if (k < 0) {
            fprintf(stderr, PROG ": unknown option '%s' (see --help)\n", name);
            return 2;
        }
        if (!val) {
            if (i + 1 >= argc) {
                fprintf(stderr, PROG ": %s needs a value (see --help)\n", name);
                return 2;
            }
            val = argv[++i];
        }
        switch (k) {
        case 0:
            if (!*val) {
                fprintf(stderr, PROG ": --out: empty directory name\n");
                return 2;
            }
            outdir = val;
            break;
        case 1:
            if (parse_count(name, val, MAX_CUSTOMERS, &count[TB_CUSTOMERS]))
                return 2;
            break;
        case 2:
            if (parse_count(name, val, MAX_ROWS, &count[TB_ORDERS]))
                return 2;
            break;
        case 3:
            if (parse_count(name, val, MAX_ROWS, &count[TB_INTERACTIONS]))
                return 2;
            break;
        case 4:
            if (parse_count(name, val, MAX_ROWS, &count[TB_TICKETS]))
                return 2;
            break;
        case 5:
            if (parse_count(name, val, MAX_ROWS, &count[TB_RESPONSES]))
                return 2;
            break;
        case 6:
            if (parse_count(name, val, UINT64_MAX, &seed))
                return 2;
            break;
        case 7:
            if (parse_only(val, want))
                return 2;
            break;
        case 9:
            if (strcmp(val, "stratified") != 0) {
                fprintf(stderr, PROG ": --design: '%s' is not a design (the one known: stratified)\n", val);
                return 2;
            }
            g_design = 1;
            break;
        default:
            if (parse_count(name, val, MAX_STAFF, &count[TB_STAFF]))
                return 2;
            break;
        }
    }
    if (!outdir) {
        fprintf(stderr, PROG ": --out DIR is required (see --help)\n");
        return 2;
    }
    int need_pop = 0;
    for (int t = 0; t < NTB; t++)
        if (t != TB_CUSTOMERS && t != TB_STAFF && want[t] && count[t] > 0)
            need_pop = 1;
    if (need_pop && count[TB_CUSTOMERS] == 0) {
        fprintf(stderr, PROG ": --customers is 0, but orders, interactions, tickets and responses need customers "
                        "to refer to (give --customers N, or leave those tables out with --only)\n");
        return 2;
    }
    if (mkdir_p(outdir) != 0) {
        fprintf(stderr, PROG ": cannot create directory %s: %s\n", outdir, strerror(errno));
        return 1;
    }
    if (init_dates() != 0) {
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    for (int t = 0; t < 8; t++)
        g_table_key[t] = mix64(mix64(seed) ^ (0x6d616e7969000000ULL + (uint64_t)t)); /* "manyi" */

    g_nstaff = (uint32_t)count[TB_STAFF];
    staff_index();
    int progress = isatty(STDERR_FILENO);
    population pop;
    memset(&pop, 0, sizeof pop);
    if (need_pop) {
        double t0 = now_s();
        if (population_build(&pop, (uint32_t)count[TB_CUSTOMERS]) != 0) {
            fprintf(stderr, PROG ": out of memory for %llu customers\n", (unsigned long long)count[TB_CUSTOMERS]);
            return 1;
        }
        if (progress)
            fprintf(stderr, "%-12s %llu customers indexed in %.1f s\n", "population",
                    (unsigned long long)count[TB_CUSTOMERS], now_s() - t0);
    }
    for (int t = 0; t < NTB; t++) {
        if (!want[t])
            continue;
        if (write_table(outdir, t, count[t], &pop, progress) != 0)
            return 1;
    }
    free(pop.cores);
    free(pop.prob);
    free(pop.alias);
    free(g_datestr);
    return 0;
}
