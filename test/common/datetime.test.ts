// Expected values were taken from PostgreSQL 15 with its default settings
// (DateStyle 'ISO, MDY', IntervalStyle 'postgres').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/common/datetime.js';
import { Interval } from '../../src/common/datetime.js';
import { QuiverError } from '../../src/common/errors.js';
import { timestampToChar } from '../../src/common/datetime_format.js';

const ts = (s: string): number => dt.parseTimestamp(s);
const date = (s: string): number => dt.parseDate(s);
const iv = (s: string): Interval => dt.parseInterval(s);
const fts = (x: number): string => dt.formatTimestamp(x);
const fd = (x: number): string => dt.formatDate(x);
const fiv = (x: Interval): string => dt.formatInterval(x);

function throwsCode(fn: () => unknown, code: string, message?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof QuiverError, `expected QuiverError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (message !== undefined) assert.equal(e.message, message);
    return true;
  });
}

test('representations', () => {
  assert.equal(date('1970-01-01'), 0);
  assert.equal(date('1970-01-02'), 1);
  assert.equal(date('1969-12-31'), -1);
  assert.equal(ts('1970-01-01 00:00:01.5'), 1_500_000);
  assert.equal(ts('2020-01-01 10:00:00'), 1577872800_000000);
  const i = iv('1 year 2 mons 3 days 04:05:06.5');
  assert.deepEqual([i.months, i.days, i.micros], [14, 3, 14706_500000]);
});

test('date input', () => {
  const cases: [string, string][] = [
    ['2020-01-01', '2020-01-01'], ['20200101', '2020-01-01'], ['2020/01/02', '2020-01-02'],
    ['01/02/2020', '2020-01-02'], ['1/2/20', '2020-01-02'], ['01-02-2020', '2020-01-02'],
    ['2020.01.02', '2020-01-02'], ['Jan 8 1999', '1999-01-08'], ['8 Jan 1999', '1999-01-08'],
    ['January 8, 1999', '1999-01-08'], ['1999-Jan-08', '1999-01-08'], ['Jan-08-1999', '1999-01-08'],
    ['08-Jan-1999', '1999-01-08'], ['2020-01-01 10:00:00', '2020-01-01'], ['2020-01-01T10:00', '2020-01-01'],
    [' 2020-01-01 ', '2020-01-01'], ['0044-03-15 BC', '0044-03-15 BC'], ['epoch', '1970-01-01'],
    ['infinity', 'infinity'], ['-infinity', '-infinity'], ['1999.008', '1999-01-08'], ['200101', '2020-01-01'],
    ['5874897-12-31', '5874897-12-31'], ['4714-11-24 BC', '4714-11-24 BC'], ['J2451187', '1999-01-08'],
    ['2020-01-01 +02', '2020-01-01'], ['2020-01-01 UTC', '2020-01-01'], ['2020-01-01 America/New_York', '2020-01-01'],
    ['2020-1-1', '2020-01-01'], ['99999-01-01', '99999-01-01'],
  ];
  for (const [input, out] of cases) assert.equal(fd(date(input)), out, input);
});

test('date input errors', () => {
  throwsCode(() => date('abc'), '22007', 'invalid input syntax for type date: "abc"');
  throwsCode(() => date(''), '22007', 'invalid input syntax for type date: ""');
  throwsCode(() => date('2020-01-01 abc'), '22007');
  throwsCode(() => date('Tue 2020-01-07'), '22007');
  throwsCode(() => date('2020-02-30'), '22008', 'date/time field value out of range: "2020-02-30"');
  throwsCode(() => date('0000-01-01'), '22008');
  throwsCode(() => date('2020-01-01 25:00'), '22008');
  throwsCode(() => date('5874898-01-01'), '22008', 'date out of range: "5874898-01-01"');
  throwsCode(() => date('4714-11-23 BC'), '22008', 'date out of range: "4714-11-23 BC"');
  assert.throws(() => date('2020-13-01'), (e: unknown) => {
    assert.ok(e instanceof QuiverError);
    assert.equal(e.code, '22008');
    assert.equal(e.hint, 'Perhaps you need a different "datestyle" setting.');
    return true;
  });
});

test('timestamp input', () => {
  const cases: [string, string][] = [
    ['2020-01-01', '2020-01-01 00:00:00'], ['2020-01-01 10:00', '2020-01-01 10:00:00'],
    ['2020-01-01 10:00:00.123456789', '2020-01-01 10:00:00.123457'], ['2020-01-01 10:00:00.5', '2020-01-01 10:00:00.5'],
    ['2020-01-01T10:00:00Z', '2020-01-01 10:00:00'], ['2020-01-01 10:00:00+05:30', '2020-01-01 10:00:00'],
    ['2020-01-01 10:00:00 -0800', '2020-01-01 10:00:00'], ['20200101T101010', '2020-01-01 10:10:10'],
    ['20200101 101010', '2020-01-01 10:10:10'], ['2020-01-01 24:00:00', '2020-01-02 00:00:00'],
    ['2020-01-01 23:59:60', '2020-01-02 00:00:00'], ['2020-01-01 10:00 PM', '2020-01-01 22:00:00'],
    ['2020-01-01 12:00 AM', '2020-01-01 00:00:00'], ['epoch', '1970-01-01 00:00:00'], ['infinity', 'infinity'],
    ['-infinity', '-infinity'], ['0044-03-15 10:00 BC', '0044-03-15 10:00:00 BC'],
    ['4714-11-24 00:00 BC', '4714-11-24 00:00:00 BC'], ['2020-01-01 10:00:00.9999999', '2020-01-01 10:00:01'],
    ['Jan 1 2020 10:00:00.5 UTC', '2020-01-01 10:00:00.5'], ['2020-01-01 allballs', '2020-01-01 00:00:00'],
    ['2020-01-01 1:2:3', '2020-01-01 01:02:03'], ['2020-01-01 10:00:00 Europe/Paris', '2020-01-01 10:00:00'],
    ['J2451187.5', '1999-01-08 12:00:00'], ['2020-01-01    10:00', '2020-01-01 10:00:00'],
    ['2020-01-01 10:30.5', '2020-01-01 00:10:30.5'], ['2020-01-01 10:', '2020-01-01 10:00:00'],
    ['2020-01-01 10:00:00.', '2020-01-01 10:00:00'], ['y2020m01d02', '2020-01-02 00:00:00'],
    ['2020-01-01 t10:00', '2020-01-01 10:00:00'], ['1/2/03', '2003-01-02 00:00:00'],
    ['2020-01-01 10:00:00 gmt+8', '2020-01-01 10:00:00'], ['jan 2 2020 bc', '2020-01-02 00:00:00 BC'],
    ['2020-001', '2020-01-01 00:00:00'], ['202001011', '20200-10-11 00:00:00'],
    ['Jan 1, 2020 at 10:00', '2020-01-01 10:00:00'], ['Tue Jan 07 2020 10:00', '2020-01-07 10:00:00'],
  ];
  for (const [input, out] of cases) assert.equal(fts(ts(input)), out, input);
});

test('timestamp input errors', () => {
  throwsCode(() => ts('2020-01-01 10'), '22007', 'invalid input syntax for type timestamp: "2020-01-01 10"');
  for (const bad of ['10:00', '2020-01-01 10:00:00 xyz', '2020-01-01 10:00:00-', '2020-01-01 10.5',
    '10:00 2020-01-01', '2020.5', '20200101.5', 'January 1st 2020', '2020-01-01 10:00 allballs']) {
    throwsCode(() => ts(bad), '22007');
  }
  for (const bad of ['2020-01-01 23:59:60.5', '2020-01-01 10:60', '2020-01-01 13:00 PM', '70-01-02']) {
    throwsCode(() => ts(bad), '22008', `date/time field value out of range: "${bad}"`);
  }
  throwsCode(() => ts('294277-01-01'), '22008', 'timestamp out of range: "294277-01-01"');
  throwsCode(() => ts('4714-11-23 23:59 BC'), '22008');
  throwsCode(() => ts('2020-01-01 10:00:00 foo/bar'), '22023', 'time zone "foo/bar" not recognized');
});

test('now, today, tomorrow, yesterday read the clock', () => {
  const today = Math.floor(Date.now() / 86400000);
  const t = date('today');
  assert.ok(t === today || t === today + 1);
  assert.equal(dt.dateDiff(date('tomorrow'), date('yesterday')), 2);
  assert.equal(ts('today') % dt.USECS_PER_DAY, 0);
  assert.ok(Math.abs(ts('now') - Date.now() * 1000) < 60_000_000);
});

test('canonical fast path agrees with the general parser', () => {
  for (const s of ['2020-02-29 23:59:59.999999', '1999-12-31T00:00', '2021-06-15 12:34:56.7']) {
    assert.equal(ts(s), ts(s + ' '), s);
  }
  assert.equal(date('2021-02-28'), date(' 2021-02-28'));
  throwsCode(() => date('2021-02-29'), '22008');
  throwsCode(() => ts('2021-02-29 10:00:00'), '22008');
});

test('output', () => {
  assert.equal(fd(dt.DATE_POS_INFINITY), 'infinity');
  assert.equal(fd(dt.DATE_NEG_INFINITY), '-infinity');
  assert.equal(fts(Infinity), 'infinity');
  assert.equal(fts(-Infinity), '-infinity');
  assert.equal(fts(ts('2020-01-01 10:00:00.120000')), '2020-01-01 10:00:00.12');
  assert.equal(fts(ts('2020-01-01 10:00:00.000001')), '2020-01-01 10:00:00.000001');
  assert.equal(fd(date('0001-01-01 BC')), '0001-01-01 BC');
});

test('interval input', () => {
  const cases: [string, string][] = [
    ['1 day', '1 day'], ['2 hours 30 minutes', '02:30:00'], ['1 year 2 months', '1 year 2 mons'],
    ['3 mons', '3 mons'], ['1 week', '7 days'], ['10:00', '10:00:00'], ['1 day 02:03:04', '1 day 02:03:04'],
    ['@ 1 day ago', '-1 days'], ['P1Y2M3DT4H5M6S', '1 year 2 mons 3 days 04:05:06'], ['5', '00:00:05'],
    ['1.5', '00:00:01.5'], ['-1 day +02:00:00', '-1 days +02:00:00'], ['1 day -02:00:00', '1 day -02:00:00'],
    ['0', '00:00:00'], ['1.5 years', '1 year 6 mons'], ['0.1 years', '1 mon'], ['1.5 months', '1 mon 15 days'],
    ['1.5 weeks', '10 days 12:00:00'], ['1.5 days', '1 day 12:00:00'], ['1.5 hours', '01:30:00'],
    ['100:00:00', '100:00:00'], ['-10:00', '-10:00:00'], ['1-2', '1 year 2 mons'], ['-1-2', '-1 years -2 mons'],
    ['1 day day', '1 day'], ['1 day ago 2 hours', '-1 days -02:00:00'], ['1 decade', '10 years'],
    ['2 centuries', '200 years'], ['1 millennium', '1000 years'], ['1 microsecond', '00:00:00.000001'],
    ['1.5 ms', '00:00:00.0015'], ['1 yr 2 mon 3 d 4 h 5 m 6 s', '1 year 2 mons 3 days 04:05:06'],
    ['12:34:56.789', '12:34:56.789'], ['1:2', '01:02:00'], ['+1 day', '1 day'], ['P1.5Y', '1 year 6 mons'],
    ['PT1.5H', '01:30:00'], ['P0001-02-03T04:05:06', '1 year 2 mons 3 days 04:05:06'], ['P1W', '7 days'],
    ['00:00:60', '00:01:00'], ['.5', '00:00:00.5'], ['5.', '00:00:05'], ['1 +02:03', '1 day 02:03:00'],
    ['PT', '00:00:00'], ['2147483647 days', '2147483647 days'], ['-178000000 years', '-178000000 years'],
    ['1 day 1 hour 1 minute 1 second 1 millisecond 1 microsecond', '1 day 01:01:01.001001'],
    ['1:02:03.0000005', '01:02:03'], ['1 centuries 1 decade', '110 years'], ['1.5 days -01:00', '1 day 11:00:00'],
    ['-1 years -2 mons +3 days -04:05:06', '-1 years -2 mons +3 days -04:05:06'],
    ['-00:00:00.000001', '-00:00:00.000001'], ['1-2 3 4:05:06', '1 year 2 mons 3 days 04:05:06'],
  ];
  for (const [input, out] of cases) assert.equal(fiv(iv(input)), out, input);
});

test('interval input errors', () => {
  for (const bad of ['', 'abc', '1 ago day', '1 quarter', '1 days 1 days', '1 day +1 day', 'infinity', '1e3 seconds', '1 2', 'P']) {
    throwsCode(() => iv(bad), '22007', `invalid input syntax for type interval: "${bad}"`);
  }
  for (const bad of ['00:60:00', '00:00:61', '2147483648 days']) {
    throwsCode(() => iv(bad), '22015', `interval field value out of range: "${bad}"`);
  }
});

test('interval arithmetic', () => {
  assert.equal(fiv(dt.intervalAdd(iv('1 mon 2 days'), iv('3 days 04:00'))), '1 mon 5 days 04:00:00');
  assert.equal(fiv(dt.intervalSub(iv('1 day'), iv('2 days 1 hour'))), '-1 days -01:00:00');
  assert.equal(fiv(dt.intervalNeg(iv('1 mon -2 days 03:00'))), '-1 mons +2 days -03:00:00');
  assert.equal(fiv(dt.intervalMul(iv('1 day'), 1.5)), '1 day 12:00:00');
  assert.equal(fiv(dt.intervalMul(iv('1 year 3 mons'), 0.3)), '4 mons 15 days');
  assert.equal(fiv(dt.intervalMul(iv('-1 mons -2 days'), 2.7)), '-2 mons -26 days -09:36:00');
  assert.equal(fiv(dt.intervalMul(iv('1 mon'), 0.3333333)), '9 days 23:59:59.9136');
  assert.equal(fiv(dt.intervalDiv(iv('1 mon'), 7)), '4 days 06:51:25.6896');
  assert.equal(fiv(dt.intervalDiv(iv('-1 mon'), 3)), '-10 days');
  assert.equal(fiv(dt.intervalDiv(iv('1 year'), 7)), '1 mon 21 days 10:17:08.5344');
  throwsCode(() => dt.intervalDiv(iv('1 day'), 0), '22012', 'division by zero');
  throwsCode(() => dt.intervalAdd(iv('2147483647 days'), iv('1 day')), '22008', 'interval out of range');
  throwsCode(() => dt.intervalMul(iv('2 mons'), 2147483647), '22008', 'interval out of range');
});

test('interval comparison and hashing use 30-day months', () => {
  assert.equal(dt.intervalCmp(iv('1 mon'), iv('30 days')), 0);
  assert.equal(dt.intervalCmp(iv('1 day'), iv('24:00:00')), 0);
  assert.equal(dt.intervalCmp(iv('1 mon'), iv('29 days 23:59:59')), 1);
  assert.equal(dt.intervalCmp(iv('-1 day'), iv('1 second')), -1);
  assert.equal(dt.intervalCmp(iv('178000000 years'), iv('177999999 years 12 mons 1 second')), -1);
  assert.equal(dt.intervalHashKey(iv('1 mon')), dt.intervalHashKey(iv('30 days')));
  assert.equal(dt.intervalHashKey(iv('1 year')), dt.intervalHashKey(iv('360 days')));
  assert.notEqual(dt.intervalHashKey(iv('1 mon')), dt.intervalHashKey(iv('31 days')));
});

test('justify_*', () => {
  assert.equal(fiv(dt.justifyInterval(iv('-1 mon 35 days -1 hour'))), '4 days 23:00:00');
  assert.equal(fiv(dt.justifyHours(iv('50 hours'))), '2 days 02:00:00');
  assert.equal(fiv(dt.justifyDays(iv('65 days'))), '2 mons 5 days');
});

test('date and timestamp arithmetic', () => {
  assert.equal(fts(dt.dateAddInterval(date('2020-01-31'), iv('1 month'))), '2020-02-29 00:00:00');
  assert.equal(fts(dt.timestampAddInterval(ts('2020-03-31'), iv('-13 month'))), '2019-02-28 00:00:00');
  assert.equal(fts(dt.timestampAddInterval(ts('2020-03-31'), iv('24 month'))), '2022-03-31 00:00:00');
  assert.equal(fts(dt.timestampSubInterval(ts('2020-03-31'), iv('1 month'))), '2020-02-29 00:00:00');
  assert.equal(fts(dt.timestampAddInterval(ts('2020-01-01 23:00'), iv('1 mon 1 day 2 hours'))), '2020-02-03 01:00:00');
  assert.equal(fts(dt.timestampAddInterval(Infinity, iv('1 day'))), 'infinity');
  assert.equal(fd(dt.dateAddDays(date('2020-02-28'), 2)), '2020-03-01');
  assert.equal(fd(dt.dateAddDays(dt.DATE_POS_INFINITY, 1)), 'infinity');
  assert.equal(dt.dateDiff(date('2020-03-01'), date('2020-01-01')), 60);
  assert.equal(fiv(dt.timestampDiff(ts('2020-01-01 10:00:04.5'), ts('2019-12-31 08:00:00'))), '1 day 02:00:04.5');
  assert.equal(fiv(dt.timestampDiff(ts('2020-01-01'), ts('2020-03-01 10:00'))), '-60 days -10:00:00');
  assert.equal(fiv(dt.age(ts('2020-03-15 10:00'), ts('2019-01-31 12:30:00'))), '1 year 1 mon 14 days 21:30:00');
  assert.equal(fiv(dt.age(ts('2019-01-31'), ts('2020-03-15'))), '-1 years -1 mons -15 days');
  assert.equal(fts(dt.dateToTimestamp(date('2020-01-01'))), '2020-01-01 00:00:00');
  assert.equal(fd(dt.timestampToDate(ts('1900-01-01 23:59'))), '1900-01-01');
  throwsCode(() => dt.dateAddDays(date('5874897-12-31'), 1), '22008', 'date out of range');
  throwsCode(() => dt.timestampAddInterval(ts('294276-12-31'), iv('1 day')), '22008', 'timestamp out of range');
  throwsCode(() => dt.dateDiff(dt.DATE_POS_INFINITY, 0), '22008', 'cannot subtract infinite dates');
  throwsCode(() => dt.timestampDiff(Infinity, 0), '22008', 'cannot subtract infinite timestamps');
});

test('extract returns numeric with PostgreSQL 14+ scales', () => {
  const e = (f: string, k: dt.DatetimeKind, v: number | Interval): string | null => {
    const r = dt.extract(f, k, v);
    return r === null ? null : r.toString();
  };
  const t = ts('2020-01-01 10:00:04.5');
  assert.equal(e('second', 'timestamp', t), '4.500000');
  assert.equal(e('epoch', 'timestamp', t), '1577872804.500000');
  assert.equal(e('milliseconds', 'timestamp', t), '4500.000');
  assert.equal(e('microseconds', 'timestamp', t), '4500000');
  assert.equal(e('julian', 'timestamp', ts('2020-01-01 12:00')), '2458850.50000000000000000000');
  assert.equal(e('dow', 'date', date('2020-01-05')), '0');
  assert.equal(e('isodow', 'date', date('2020-01-05')), '7');
  assert.equal(e('week', 'date', date('2021-01-03')), '53');
  assert.equal(e('isoyear', 'date', date('2021-01-03')), '2020');
  assert.equal(e('doy', 'date', date('2020-12-31')), '366');
  assert.equal(e('quarter', 'date', date('2020-08-01')), '3');
  assert.equal(e('century', 'date', date('2000-12-31')), '20');
  assert.equal(e('century', 'date', date('2001-01-01')), '21');
  assert.equal(e('millennium', 'date', date('2001-01-01')), '3');
  assert.equal(e('decade', 'date', date('0005-01-01 BC')), '-1');
  assert.equal(e('year', 'date', date('0044-03-15 BC')), '-44');
  assert.equal(e('epoch', 'date', date('2020-01-01')), '1577836800');
  assert.equal(e('epoch', 'interval', iv('1 year 1 mon 1 day 1 second')), '34236001.000000');
  assert.equal(e('hour', 'interval', iv('100:30:00')), '100');
  assert.equal(e('minute', 'interval', iv('-1:30')), '-30');
  assert.equal(e('month', 'interval', iv('14 mons')), '2');
  assert.equal(e('year', 'interval', iv('-14 mons')), '-1');
  assert.equal(e('quarter', 'interval', iv('-23 mons')), '-2');
  assert.equal(e('second', 'interval', iv('1 min 1.25 sec')), '1.250000');
  assert.equal(e('YEAR', 'timestamp', t), '2020');
  assert.equal(e('hour', 'timestamp', Infinity), null);
  assert.equal(e('day', 'date', dt.DATE_POS_INFINITY), null);
});

test('extract errors', () => {
  throwsCode(() => dt.extract('hour', 'date', 0), '0A000', 'unit "hour" not supported for type date');
  throwsCode(() => dt.extract('foo', 'date', 0), '22023', 'unit "foo" not recognized for type date');
  throwsCode(() => dt.extract('timezone', 'timestamp', 0), '0A000',
    'unit "timezone" not supported for type timestamp without time zone');
  throwsCode(() => dt.extract('foo', 'timestamp', 0), '22023',
    'unit "foo" not recognized for type timestamp without time zone');
  throwsCode(() => dt.extract('dow', 'interval', iv('1 day')), '0A000', 'unit "dow" not supported for type interval');
  throwsCode(() => dt.extract('jan', 'interval', iv('1 day')), '22023', 'unit "jan" not recognized for type interval');
});

test('date_part returns double precision', () => {
  assert.equal(dt.datePart('second', 'timestamp', ts('2020-01-01 10:00:04.123456')), 4.123456);
  assert.equal(dt.datePart('epoch', 'interval', iv('1 year 1 mon 1 day 1.5 second')), 34236001.5);
  assert.equal(dt.datePart('hour', 'date', date('2020-01-01')), 0);
  assert.equal(dt.datePart('year', 'timestamp', Infinity), Infinity);
  assert.equal(dt.datePart('hour', 'timestamp', -Infinity), null);
  assert.equal(dt.datePart('doy', 'timestamp', ts('2020-03-01')), 61);
});

test('date_trunc', () => {
  const t = ts('2020-08-19 13:45:17.123456');
  const cases: [string, string][] = [
    ['microseconds', '2020-08-19 13:45:17.123456'], ['milliseconds', '2020-08-19 13:45:17.123'],
    ['second', '2020-08-19 13:45:17'], ['minute', '2020-08-19 13:45:00'], ['hour', '2020-08-19 13:00:00'],
    ['day', '2020-08-19 00:00:00'], ['week', '2020-08-17 00:00:00'], ['month', '2020-08-01 00:00:00'],
    ['quarter', '2020-07-01 00:00:00'], ['year', '2020-01-01 00:00:00'], ['decade', '2020-01-01 00:00:00'],
    ['century', '2001-01-01 00:00:00'], ['millennium', '2001-01-01 00:00:00'],
  ];
  for (const [f, out] of cases) assert.equal(fts(dt.dateTrunc(f, t)), out, f);
  // ISO weeks cross year boundaries
  assert.equal(fts(dt.dateTrunc('week', ts('2021-01-03 10:00'))), '2020-12-28 00:00:00');
  assert.equal(fts(dt.dateTrunc('century', ts('0050-06-01 BC'))), '0100-01-01 00:00:00 BC');
  assert.equal(fts(dt.dateTrunc('week', Infinity)), 'infinity');
  throwsCode(() => dt.dateTrunc('dow', t), '22023', 'unit "dow" not recognized for type timestamp without time zone');
  throwsCode(() => dt.dateTrunc('timezone', t), '0A000');
});

test('date_trunc on intervals', () => {
  const i = iv('3 years 7 mons 12 days 13:45:17.123456');
  assert.equal(fiv(dt.intervalTrunc('hour', i)), '3 years 7 mons 12 days 13:00:00');
  assert.equal(fiv(dt.intervalTrunc('quarter', i)), '3 years 6 mons');
  assert.equal(fiv(dt.intervalTrunc('milliseconds', i)), '3 years 7 mons 12 days 13:45:17.123');
  assert.equal(fiv(dt.intervalTrunc('decade', iv('-23 years'))), '-20 years');
  assert.throws(() => dt.intervalTrunc('week', i), (e: unknown) => {
    assert.ok(e instanceof QuiverError);
    assert.equal(e.code, '0A000');
    assert.equal(e.message, 'unit "week" not supported for type interval');
    assert.equal(e.detail, 'Months usually have fractional weeks.');
    return true;
  });
});

test('make_date, make_timestamp, make_interval', () => {
  assert.equal(fd(dt.makeDate(2020, 2, 29)), '2020-02-29');
  assert.equal(fd(dt.makeDate(-44, 3, 15)), '0044-03-15 BC');
  throwsCode(() => dt.makeDate(2020, 2, 30), '22008', 'date field value out of range: 2020-02-30');
  throwsCode(() => dt.makeDate(0, 1, 1), '22008', 'date field value out of range: 0-01-01');
  assert.equal(fts(dt.makeTimestamp(2020, 1, 1, 24, 0, 0)), '2020-01-02 00:00:00');
  assert.equal(fts(dt.makeTimestamp(2020, 1, 1, 10, 30, 15.25)), '2020-01-01 10:30:15.25');
  throwsCode(() => dt.makeTimestamp(2020, 1, 1, 23, 59, 60.5), '22008', 'time field value out of range: 23:59:60.5');
  throwsCode(() => dt.makeTimestamp(2020, 1, 1, 18, -1, 16), '22008', 'time field value out of range: 18:-1:16');
  assert.equal(fiv(dt.makeInterval(1, 2, 3, 4, 5, 6, 7.5)), '1 year 2 mons 25 days 05:06:07.5');
});

test('to_char', () => {
  const t = ts('2020-03-05 14:07:09.123456');
  const cases: [string, string][] = [
    ['YYYY-MM-DD HH24:MI:SS', '2020-03-05 14:07:09'],
    ['HH:MI:SS AM', '02:07:09 PM'],
    ['Month DD, YYYY', 'March     05, 2020'],
    ['FMMonth FMDDth, YYYY', 'March 5th, 2020'],
    ['Day Dy DY', 'Thursday  Thu THU'],
    ['MON Mon mon', 'MAR Mar mar'],
    ['YYYY "year" Q "quarter"', '2020 year 1 quarter'],
    ['MS US FF3', '123 123456 123'],
    ['IYYY-IW-ID DDD', '2020-10-4 065'],
    ['J', '2458914'],
    ['CC', '21'],
    ['RM', 'III '],
    ['YYYYMMDD', '20200305'],
  ];
  for (const [f, out] of cases) assert.equal(timestampToChar(t, f), out, f);
});
