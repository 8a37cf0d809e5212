/**
 * A deterministic TPC-H data generator following the value rules of the specification (clause
 * 4.2.3): table cardinalities per scale factor, key formulas (sparse order keys, the four
 * suppliers of a part), the date, price and flag dependencies between columns, and the word
 * lists the 22 queries filter on. It is not dbgen: comment text is drawn from a short word list
 * rather than the spec's grammar, and the random streams differ, so answers match DuckDB on the
 * same files, not the published answer set.
 *
 * Output: one '|'-separated CSV file per table, no header, written in chunks.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from './common.js';

export const TPCH_DDL = `
CREATE TABLE region (r_regionkey integer NOT NULL, r_name char(25) NOT NULL, r_comment varchar(152));
CREATE TABLE nation (n_nationkey integer NOT NULL, n_name char(25) NOT NULL, n_regionkey integer NOT NULL, n_comment varchar(152));
CREATE TABLE part (p_partkey integer NOT NULL, p_name varchar(55) NOT NULL, p_mfgr char(25) NOT NULL, p_brand char(10) NOT NULL, p_type varchar(25) NOT NULL, p_size integer NOT NULL, p_container char(10) NOT NULL, p_retailprice decimal(15,2) NOT NULL, p_comment varchar(23) NOT NULL);
CREATE TABLE supplier (s_suppkey integer NOT NULL, s_name char(25) NOT NULL, s_address varchar(40) NOT NULL, s_nationkey integer NOT NULL, s_phone char(15) NOT NULL, s_acctbal decimal(15,2) NOT NULL, s_comment varchar(101) NOT NULL);
CREATE TABLE partsupp (ps_partkey integer NOT NULL, ps_suppkey integer NOT NULL, ps_availqty integer NOT NULL, ps_supplycost decimal(15,2) NOT NULL, ps_comment varchar(199) NOT NULL);
CREATE TABLE customer (c_custkey integer NOT NULL, c_name varchar(25) NOT NULL, c_address varchar(40) NOT NULL, c_nationkey integer NOT NULL, c_phone char(15) NOT NULL, c_acctbal decimal(15,2) NOT NULL, c_mktsegment char(10) NOT NULL, c_comment varchar(117) NOT NULL);
CREATE TABLE orders (o_orderkey integer NOT NULL, o_custkey integer NOT NULL, o_orderstatus char(1) NOT NULL, o_totalprice decimal(15,2) NOT NULL, o_orderdate date NOT NULL, o_orderpriority char(15) NOT NULL, o_clerk char(15) NOT NULL, o_shippriority integer NOT NULL, o_comment varchar(79) NOT NULL);
CREATE TABLE lineitem (l_orderkey integer NOT NULL, l_partkey integer NOT NULL, l_suppkey integer NOT NULL, l_linenumber integer NOT NULL, l_quantity decimal(15,2) NOT NULL, l_extendedprice decimal(15,2) NOT NULL, l_discount decimal(15,2) NOT NULL, l_tax decimal(15,2) NOT NULL, l_returnflag char(1) NOT NULL, l_linestatus char(1) NOT NULL, l_shipdate date NOT NULL, l_commitdate date NOT NULL, l_receiptdate date NOT NULL, l_shipinstruct char(25) NOT NULL, l_shipmode char(10) NOT NULL, l_comment varchar(44) NOT NULL);
`;

export const TPCH_TABLES = ['region', 'nation', 'part', 'supplier', 'partsupp', 'customer', 'orders', 'lineitem'] as const;

const REGIONS = ['AFRICA', 'AMERICA', 'ASIA', 'EUROPE', 'MIDDLE EAST'];
const NATIONS: [string, number][] = [
  ['ALGERIA', 0], ['ARGENTINA', 1], ['BRAZIL', 1], ['CANADA', 1], ['EGYPT', 4], ['ETHIOPIA', 0],
  ['FRANCE', 3], ['GERMANY', 3], ['INDIA', 2], ['INDONESIA', 2], ['IRAN', 4], ['IRAQ', 4],
  ['JAPAN', 2], ['JORDAN', 4], ['KENYA', 0], ['MOROCCO', 0], ['MOZAMBIQUE', 0], ['PERU', 1],
  ['CHINA', 2], ['ROMANIA', 3], ['SAUDI ARABIA', 4], ['VIETNAM', 2], ['RUSSIA', 3],
  ['UNITED KINGDOM', 3], ['UNITED STATES', 1],
];
const COLORS = (
  'almond antique aquamarine azure beige bisque black blanched blue blush brown burlywood burnished ' +
  'chartreuse chiffon chocolate coral cornflower cornsilk cream cyan dark deep dim dodger drab firebrick ' +
  'floral forest frosted gainsboro ghost goldenrod green grey honeydew hot indian ivory khaki lace ' +
  'lavender lawn lemon light lime linen magenta maroon medium metallic midnight mint misty moccasin ' +
  'navajo navy olive orange orchid pale papaya peach peru pink plum powder puff purple red rose rosy ' +
  'royal saddle salmon sandy seashell sienna sky slate smoke snow spring steel tan thistle tomato ' +
  'turquoise violet wheat white yellow'
).split(' ');
const TYPE_1 = ['STANDARD', 'SMALL', 'MEDIUM', 'LARGE', 'ECONOMY', 'PROMO'];
const TYPE_2 = ['ANODIZED', 'BURNISHED', 'PLATED', 'POLISHED', 'BRUSHED'];
const TYPE_3 = ['TIN', 'NICKEL', 'BRASS', 'STEEL', 'COPPER'];
const CONTAINER_1 = ['SM', 'LG', 'MED', 'JUMBO', 'WRAP'];
const CONTAINER_2 = ['CASE', 'BOX', 'BAG', 'JAR', 'PKG', 'PACK', 'CAN', 'DRUM'];
const SEGMENTS = ['AUTOMOBILE', 'BUILDING', 'FURNITURE', 'MACHINERY', 'HOUSEHOLD'];
const PRIORITIES = ['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'];
const INSTRUCTIONS = ['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN'];
const MODES = ['REG AIR', 'AIR', 'RAIL', 'SHIP', 'TRUCK', 'MAIL', 'FOB'];
// Words of the spec's text grammar; Q13 looks for "special ... requests", Q16 for
// "Customer ... Complaints" (planted separately, as the spec does).
const WORDS = (
  'furiously quickly carefully blithely slyly fluffily ironic final regular express special pending ' +
  'bold even silent unusual packages requests accounts deposits foxes ideas theodolites pinto beans ' +
  'instructions dependencies excuses platelets asymptotes courts dolphins multipliers sauternes ' +
  'warthogs frets dinos attainments somas sleep wake are cajole haggle nag use boost affix detect ' +
  'integrate maintain nod was lose sublate solve thrash promise engage hinder print x-ray breach ' +
  'eat grow impress mold poach serve run dazzle snooze doze unwind kindle play hang believe about ' +
  'above according across after against along alongside among around at atop before behind beneath'
).split(' ');

/** Draws for the generator: uniform doubles, integer ranges, picks, text in the spec's shapes. */
class Rng {
  private readonly u32: () => number;
  constructor(seed: number) { this.u32 = mulberry32(seed); }
  next(): number { return this.u32() / 4294967296; }
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }
  pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.next() * xs.length)]!; }
  text(minLen: number, maxLen: number): string {
    const target = this.int(minLen, maxLen);
    let s = this.pick(WORDS);
    for (;;) {
      const w = this.pick(WORDS);
      if (s.length + 1 + w.length > target) return s;
      s += ' ' + w;
    }
  }
  alnum(minLen: number, maxLen: number): string {
    const n = this.int(minLen, maxLen);
    let s = '';
    for (let i = 0; i < n; i++) s += 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,. '[this.int(0, 64)];
    return s.trim() || 'x';
  }
  phone(nation: number): string {
    return `${nation + 10}-${this.int(100, 999)}-${this.int(100, 999)}-${this.int(1000, 9999)}`;
  }
}

const money = (cents: number): string => (cents / 100).toFixed(2);
const pad9 = (n: number): string => String(n).padStart(9, '0');
const DAY_MS = 86_400_000;
const dayOf = (iso: string): number => Date.parse(iso + 'T00:00:00Z') / DAY_MS;
const isoOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const START_DATE = dayOf('1992-01-01');
const END_DATE = dayOf('1998-12-31');
const CURRENT_DATE = dayOf('1995-06-17');

/** Buffers lines and writes them in large pieces: millions of small writes would dominate. */
class TableWriter {
  private fd: number;
  private parts: string[] = [];
  private size = 0;
  rows = 0;
  constructor(path: string) { this.fd = openSync(path, 'w'); }
  row(fields: (string | number)[]): void {
    const line = fields.join('|') + '\n';
    this.parts.push(line);
    this.size += line.length;
    this.rows++;
    if (this.size > 1 << 22) this.flush();
  }
  private flush(): void {
    writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
  close(): void { this.flush(); closeSync(this.fd); }
}

export const retailPriceCents = (partkey: number): number =>
  90000 + (Math.floor(partkey / 10) % 20001) + 100 * (partkey % 1000);

/** The i-th (0..3) supplier of a part, by the spec's formula, so partsupp and lineitem agree. */
export function partSupplier(partkey: number, i: number, suppliers: number): number {
  return ((partkey + i * (Math.floor(suppliers / 4) + Math.floor((partkey - 1) / suppliers))) % suppliers) + 1;
}

/** Order keys are sparse: the first 8 of every 32 keys are used. */
const orderKey = (i: number): number => Math.floor(i / 8) * 32 + (i % 8) + 1;

export interface GeneratedCounts { [table: string]: number }

/** Writes `<dir>/<table>.csv` for every TPC-H table at scale factor `sf`; returns row counts. */
export function generateTpch(dir: string, sf: number, seed = 19_920_101): GeneratedCounts {
  const counts: GeneratedCounts = {};
  const S = Math.max(4, Math.round(10_000 * sf));
  const P = Math.max(1, Math.round(200_000 * sf));
  const C = Math.max(3, Math.round(150_000 * sf));
  const O = Math.max(1, Math.round(1_500_000 * sf));
  const clerks = Math.max(1, Math.round(1000 * sf));
  const rng = new Rng(seed);
  const open = (t: string): TableWriter => new TableWriter(join(dir, `${t}.csv`));
  const done = (t: string, w: TableWriter): void => { w.close(); counts[t] = w.rows; };

  let w = open('region');
  REGIONS.forEach((r, i) => w.row([i, r, rng.text(31, 115)]));
  done('region', w);

  w = open('nation');
  NATIONS.forEach(([n, r], i) => w.row([i, n, r, rng.text(31, 114)]));
  done('nation', w);

  w = open('part');
  for (let k = 1; k <= P; k++) {
    const names = new Set<string>();
    while (names.size < 5) names.add(rng.pick(COLORS));
    const m = rng.int(1, 5);
    w.row([
      k, [...names].join(' '), `Manufacturer#${m}`, `Brand#${m}${rng.int(1, 5)}`,
      `${rng.pick(TYPE_1)} ${rng.pick(TYPE_2)} ${rng.pick(TYPE_3)}`, rng.int(1, 50),
      `${rng.pick(CONTAINER_1)} ${rng.pick(CONTAINER_2)}`, money(retailPriceCents(k)), rng.text(5, 22),
    ]);
  }
  done('part', w);

  w = open('supplier');
  // Spec: SF*5 suppliers' comments mention Customer...Complaints, SF*5 Customer...Recommends.
  const plantStep = Math.max(1, Math.floor(S / (2 * Math.max(1, Math.round(5 * sf)))));
  for (let k = 1; k <= S; k++) {
    const nation = rng.int(0, 24);
    let comment = rng.text(25, 100);
    if (k % plantStep === 0) {
      const verb = (k / plantStep) % 2 === 0 ? 'Complaints' : 'Recommends';
      comment = `${rng.text(5, 20)} Customer ${rng.pick(WORDS)} ${verb} ${rng.text(5, 20)}`.slice(0, 100);
    }
    w.row([k, `Supplier#${pad9(k)}`, rng.alnum(10, 40), nation, rng.phone(nation), money(rng.int(-99_999, 999_999)), comment]);
  }
  done('supplier', w);

  w = open('partsupp');
  for (let k = 1; k <= P; k++) {
    for (let i = 0; i < 4; i++) {
      w.row([k, partSupplier(k, i, S), rng.int(1, 9999), money(rng.int(100, 100_000)), rng.text(49, 198)]);
    }
  }
  done('partsupp', w);

  w = open('customer');
  for (let k = 1; k <= C; k++) {
    const nation = rng.int(0, 24);
    w.row([k, `Customer#${pad9(k)}`, rng.alnum(10, 40), nation, rng.phone(nation), money(rng.int(-99_999, 999_999)), rng.pick(SEGMENTS), rng.text(29, 116)]);
  }
  done('customer', w);

  const ow = open('orders');
  const lw = open('lineitem');
  const lineFields: (string | number)[][] = [];
  for (let i = 0; i < O; i++) {
    const ok = orderKey(i);
    // A third of the customers (keys divisible by 3) never order.
    let cust = rng.int(1, C);
    while (cust % 3 === 0) cust = rng.int(1, C);
    const orderDate = rng.int(START_DATE, END_DATE - 151);
    const lines = rng.int(1, 7);
    let totalCents = 0;
    let openLines = 0;
    lineFields.length = 0;
    for (let ln = 1; ln <= lines; ln++) {
      const part = rng.int(1, P);
      const supp = partSupplier(part, rng.int(0, 3), S);
      const qty = rng.int(1, 50);
      const ext = qty * retailPriceCents(part);
      const disc = rng.int(0, 10);
      const tax = rng.int(0, 8);
      const ship = orderDate + rng.int(1, 121);
      const commit = orderDate + rng.int(30, 90);
      const receipt = ship + rng.int(1, 30);
      const returnFlag = receipt <= CURRENT_DATE ? (rng.next() < 0.5 ? 'R' : 'A') : 'N';
      const lineStatus = ship > CURRENT_DATE ? 'O' : 'F';
      if (lineStatus === 'O') openLines++;
      totalCents += Math.round((ext * (100 + tax) * (100 - disc)) / 10_000);
      lineFields.push([
        ok, part, supp, ln, `${qty}.00`, money(ext), money(disc), money(tax), returnFlag, lineStatus,
        isoOf(ship), isoOf(commit), isoOf(receipt), rng.pick(INSTRUCTIONS), rng.pick(MODES), rng.text(10, 43),
      ]);
    }
    const status = openLines === lines ? 'O' : openLines === 0 ? 'F' : 'P';
    ow.row([ok, cust, status, money(totalCents), isoOf(orderDate), rng.pick(PRIORITIES), `Clerk#${pad9(rng.int(1, clerks))}`, 0, rng.text(19, 78)]);
    for (const f of lineFields) lw.row(f);
  }
  done('orders', ow);
  done('lineitem', lw);
  return counts;
}
