/**
 * `quiver demo`: a small built-in dataset and a few queries that show what the engine does.
 */
import type { Database } from '../index.js';

export const DEMO_SCHEMA = `
CREATE TABLE customers (
  id integer NOT NULL,
  name text NOT NULL,
  region text NOT NULL,
  signup_date date NOT NULL,
  monthly_spend numeric(10,2) NOT NULL,
  churned boolean NOT NULL
);

INSERT INTO customers VALUES
  (1, 'Acme Analytics', 'west', DATE '2023-11-28', 855.16, false),
  (2, 'Birch & Co', 'east', DATE '2023-02-19', 102.30, false),
  (3, 'Cobalt Systems', 'south', DATE '2024-01-10', 541.20, false),
  (4, 'Delta Foods', 'north', DATE '2023-08-08', 72.25, true),
  (5, 'Evergreen Labs', 'south', DATE '2023-03-13', 246.97, false),
  (6, 'Fjord Logistics', 'east', DATE '2023-03-02', 751.09, true),
  (7, 'Granite Health', 'south', DATE '2023-08-17', 582.34, false),
  (8, 'Harbor Media', 'north', DATE '2023-03-05', 536.31, false),
  (9, 'Iris Robotics', 'west', DATE '2023-08-15', 80.06, true),
  (10, 'Juniper Retail', 'east', DATE '2023-10-24', 400.46, false),
  (11, 'Kestrel Energy', 'south', DATE '2023-08-07', 305.29, false),
  (12, 'Lumen Studio', 'north', DATE '2023-07-05', 128.63, false),
  (13, 'Maple Finance', 'west', DATE '2023-07-12', 360.26, false),
  (14, 'Nimbus Travel', 'east', DATE '2023-03-06', 525.36, true),
  (15, 'Orchid Pharma', 'west', DATE '2023-12-23', 625.14, false),
  (16, 'Pioneer Tools', 'north', DATE '2023-11-18', 440.42, false),
  (17, 'Quartz Legal', 'west', DATE '2024-01-06', 297.80, false),
  (18, 'Redwood Games', 'east', DATE '2023-09-07', 110.40, true),
  (19, 'Sable Textiles', 'south', DATE '2023-05-21', 792.62, false),
  (20, 'Tidal Water', 'north', DATE '2023-10-22', 563.70, true);

CREATE TABLE orders (
  id integer NOT NULL,
  customer_id integer NOT NULL,
  order_date date NOT NULL,
  amount numeric(10,2) NOT NULL,
  status text NOT NULL
);

INSERT INTO orders VALUES
  (1, 17, DATE '2024-04-17', 210.48, 'shipped'), (2, 16, DATE '2024-04-17', 61.46, 'shipped'), (3, 18, DATE '2024-05-26', 950.08, 'returned'),
  (4, 11, DATE '2024-06-26', 429.96, 'shipped'), (5, 15, DATE '2024-01-18', 1010.36, 'pending'), (6, 16, DATE '2024-06-27', 802.02, 'shipped'),
  (7, 10, DATE '2024-06-14', 699.87, 'shipped'), (8, 15, DATE '2024-03-13', 864.20, 'returned'), (9, 12, DATE '2024-01-06', 1129.67, 'shipped'),
  (10, 20, DATE '2024-01-30', 600.03, 'shipped'), (11, 10, DATE '2024-02-03', 889.96, 'shipped'), (12, 16, DATE '2024-01-21', 212.14, 'shipped'),
  (13, 9, DATE '2024-02-05', 985.85, 'returned'), (14, 9, DATE '2024-06-29', 507.13, 'shipped'), (15, 13, DATE '2024-02-29', 193.84, 'shipped'),
  (16, 8, DATE '2024-06-17', 291.50, 'shipped'), (17, 19, DATE '2024-02-16', 326.35, 'shipped'), (18, 14, DATE '2024-05-16', 452.57, 'shipped'),
  (19, 5, DATE '2024-06-25', 1033.15, 'pending'), (20, 2, DATE '2024-04-26', 1080.95, 'shipped'), (21, 18, DATE '2024-04-10', 486.71, 'shipped'),
  (22, 16, DATE '2024-06-11', 489.52, 'shipped'), (23, 7, DATE '2024-04-22', 207.33, 'shipped'), (24, 2, DATE '2024-01-27', 15.28, 'shipped'),
  (25, 4, DATE '2024-04-03', 742.28, 'shipped'), (26, 7, DATE '2024-06-06', 460.83, 'shipped'), (27, 12, DATE '2024-06-03', 446.53, 'shipped'),
  (28, 16, DATE '2024-04-29', 584.27, 'shipped'), (29, 5, DATE '2024-01-27', 903.36, 'shipped'), (30, 16, DATE '2024-06-26', 206.30, 'shipped'),
  (31, 17, DATE '2024-04-02', 188.72, 'shipped'), (32, 1, DATE '2024-05-15', 368.24, 'shipped'), (33, 3, DATE '2024-06-27', 1016.86, 'shipped'),
  (34, 6, DATE '2024-04-01', 929.75, 'shipped'), (35, 17, DATE '2024-03-25', 769.18, 'shipped'), (36, 7, DATE '2024-03-02', 984.72, 'shipped'),
  (37, 8, DATE '2024-02-21', 628.40, 'shipped'), (38, 1, DATE '2024-01-08', 951.29, 'shipped'), (39, 7, DATE '2024-06-26', 732.09, 'shipped'),
  (40, 12, DATE '2024-04-03', 110.44, 'shipped'), (41, 16, DATE '2024-02-20', 415.22, 'shipped'), (42, 20, DATE '2024-01-01', 583.18, 'shipped'),
  (43, 3, DATE '2024-06-18', 157.09, 'shipped'), (44, 7, DATE '2024-05-02', 1068.48, 'shipped'), (45, 11, DATE '2024-01-23', 963.98, 'pending'),
  (46, 13, DATE '2024-04-28', 490.64, 'pending'), (47, 6, DATE '2024-02-13', 1191.84, 'shipped'), (48, 19, DATE '2024-04-29', 970.70, 'shipped'),
  (49, 20, DATE '2024-05-01', 793.86, 'shipped'), (50, 18, DATE '2024-05-20', 170.22, 'shipped'), (51, 4, DATE '2024-05-14', 903.15, 'shipped'),
  (52, 7, DATE '2024-02-24', 48.17, 'shipped'), (53, 17, DATE '2024-03-02', 919.96, 'shipped'), (54, 18, DATE '2024-04-17', 1003.52, 'shipped'),
  (55, 12, DATE '2024-04-27', 800.03, 'returned'), (56, 17, DATE '2024-04-17', 995.16, 'returned'), (57, 5, DATE '2024-05-16', 194.93, 'shipped'),
  (58, 15, DATE '2024-02-16', 736.14, 'shipped'), (59, 5, DATE '2024-02-14', 182.75, 'shipped'), (60, 4, DATE '2024-05-22', 88.18, 'shipped');
`;

export interface DemoQuery { title: string; sql: string }

export const DEMO_QUERIES: readonly DemoQuery[] = [
  {
    title: 'Revenue by region (join + GROUP BY)',
    sql: `SELECT c.region,
       count(DISTINCT c.id) AS customers,
       count(*) AS orders,
       sum(o.amount) AS revenue,
       round(avg(o.amount), 2) AS avg_order
FROM orders o
JOIN customers c ON c.id = o.customer_id
WHERE o.status <> 'returned'
GROUP BY c.region
ORDER BY revenue DESC`,
  },
  {
    title: 'Biggest spenders in each region (window function)',
    sql: `SELECT region, name, monthly_spend, rank_in_region
FROM (
  SELECT region, name, monthly_spend,
         rank() OVER (PARTITION BY region ORDER BY monthly_spend DESC) AS rank_in_region
  FROM customers
) ranked
WHERE rank_in_region <= 2
ORDER BY region, rank_in_region`,
  },
  {
    title: 'Customers whose order total is above average (CTE)',
    sql: `WITH totals AS (
  SELECT customer_id, count(*) AS orders, sum(amount) AS total
  FROM orders
  GROUP BY customer_id
)
SELECT c.name, c.churned, t.orders, t.total
FROM totals t
JOIN customers c ON c.id = t.customer_id
WHERE t.total > (SELECT avg(total) FROM totals)
ORDER BY t.total DESC`,
  },
  {
    title: 'Churned versus retained customers',
    sql: `SELECT churned,
       count(*) AS customers,
       round(avg(monthly_spend), 2) AS avg_monthly_spend,
       min(signup_date) AS first_signup
FROM customers
GROUP BY churned
ORDER BY churned`,
  },
  {
    title: 'The plan of the first query (EXPLAIN)',
    sql: `EXPLAIN SELECT c.region, sum(o.amount) AS revenue
FROM orders o
JOIN customers c ON c.id = o.customer_id
WHERE o.status <> 'returned'
GROUP BY c.region
ORDER BY revenue DESC`,
  },
];

export async function loadDemoData(db: Database, split: (sql: string) => string[]): Promise<void> {
  for (const stmt of split(DEMO_SCHEMA)) await db.query(stmt);
}
