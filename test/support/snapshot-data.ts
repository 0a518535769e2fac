import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { type MariaDbServer, runSql } from "../doubles/dokku/services/mariadb";

/**
 * A generated stand-in for production's snapshot: 12 tables of a restaurant SaaS with foreign keys, blobs of random
 * bytes, utf8mb4 text (accents, CJK, emoji) and a view, built inside MariaDB from its SEQUENCE engine so tens of
 * megabytes load in seconds. `scale` 1 is about 55 MB of table data.
 */
export function snapshotSql(scale = 1): string {
  const n = (count: number) => Math.max(1, Math.round(count * scale));
  const tenants = n(200);
  const users = n(20_000);
  const restaurants = n(1_000);
  const menus = n(3_000);
  const items = n(20_000);
  const orders = n(60_000);
  const attachments = n(10_000);
  return `SET FOREIGN_KEY_CHECKS = 1;
CREATE TABLE tenants (id INT PRIMARY KEY, name VARCHAR(191) NOT NULL, created_at DATETIME NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE users (id INT PRIMARY KEY, tenant_id INT NOT NULL, email VARCHAR(191) NOT NULL UNIQUE, name VARCHAR(191) NOT NULL, bio TEXT,
  password VARCHAR(60) NOT NULL, remember_token VARCHAR(100) NULL, last_login_ip VARCHAR(45) NULL, phone VARCHAR(64) NULL,
  FOREIGN KEY (tenant_id) REFERENCES tenants(id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE restaurants (id INT PRIMARY KEY, tenant_id INT NOT NULL, name VARCHAR(191) NOT NULL, description TEXT,
  FOREIGN KEY (tenant_id) REFERENCES tenants(id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE menus (id INT PRIMARY KEY, restaurant_id INT NOT NULL, title VARCHAR(191) NOT NULL,
  FOREIGN KEY (restaurant_id) REFERENCES restaurants(id) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE menu_items (id INT PRIMARY KEY, menu_id INT NOT NULL, name VARCHAR(191) NOT NULL, price DECIMAL(10,2) NOT NULL, photo BLOB,
  FOREIGN KEY (menu_id) REFERENCES menus(id) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE orders (id INT PRIMARY KEY, restaurant_id INT NOT NULL, user_id INT NOT NULL, total DECIMAL(10,2) NOT NULL,
  status ENUM('open','paid','cancelled') NOT NULL, created_at DATETIME NOT NULL,
  FOREIGN KEY (restaurant_id) REFERENCES restaurants(id), FOREIGN KEY (user_id) REFERENCES users(id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE order_items (id INT PRIMARY KEY, order_id INT NOT NULL, menu_item_id INT NOT NULL, quantity SMALLINT NOT NULL,
  FOREIGN KEY (order_id) REFERENCES orders(id) ON DELETE CASCADE, FOREIGN KEY (menu_item_id) REFERENCES menu_items(id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE payments (id INT PRIMARY KEY, order_id INT NOT NULL, amount DECIMAL(10,2) NOT NULL, payload TEXT NOT NULL,
  FOREIGN KEY (order_id) REFERENCES orders(id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE reviews (id INT PRIMARY KEY, restaurant_id INT NOT NULL, user_id INT NOT NULL, body TEXT NOT NULL,
  FOREIGN KEY (restaurant_id) REFERENCES restaurants(id), FOREIGN KEY (user_id) REFERENCES users(id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE attachments (id INT PRIMARY KEY, user_id INT NOT NULL, content MEDIUMBLOB NOT NULL,
  FOREIGN KEY (user_id) REFERENCES users(id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE audit_log (id BIGINT PRIMARY KEY, entity VARCHAR(64) NOT NULL, payload TEXT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE settings (\`key\` VARCHAR(191) PRIMARY KEY, value TEXT) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE VIEW paid_orders AS SELECT id, restaurant_id, total FROM orders WHERE status = 'paid';
INSERT INTO tenants SELECT seq, CONCAT('Mandant ', seq, ' — Ünïcødé 餐厅 🍜'), '2024-01-01' + INTERVAL seq MINUTE FROM seq_1_to_${tenants};
INSERT INTO users SELECT seq, 1 + seq % ${tenants}, CONCAT('user', seq, '@example.com'), CONCAT('Zoë ', seq, ' Ñandú 😀'),
  REPEAT(CONCAT('Über mich ', seq, ' — 東京 🍣 '), 8), CONCAT('$2y$10$', LEFT(TO_BASE64(UNHEX(SHA2(seq, 512))), 53)),
  IF(seq % 3 = 0, NULL, SHA2(CONCAT('remember', seq), 256)), CONCAT('198.51.100.', seq % 250), CONCAT('+49 30 ', 1000000 + seq) FROM seq_1_to_${users};
INSERT INTO restaurants SELECT seq, 1 + seq % ${tenants}, CONCAT('Café ', seq, ' «Crème brûlée» 🍰'), REPEAT('Frisch, regional, lecker. ', 20) FROM seq_1_to_${restaurants};
INSERT INTO menus SELECT seq, 1 + seq % ${restaurants}, CONCAT('Karte ', seq, ' 🍽️') FROM seq_1_to_${menus};
INSERT INTO menu_items SELECT seq, 1 + seq % ${menus}, CONCAT('Gericht ', seq, ' mit Soße'), 1 + (seq % 5000) / 100, RANDOM_BYTES(512) FROM seq_1_to_${items};
INSERT INTO orders SELECT seq, 1 + seq % ${restaurants}, 1 + seq % ${users}, (seq % 10000) / 100, ELT(1 + seq % 3, 'open', 'paid', 'cancelled'),
  '2025-01-01' + INTERVAL seq SECOND FROM seq_1_to_${orders};
INSERT INTO order_items SELECT seq, 1 + seq % ${orders}, 1 + seq % ${items}, 1 + seq % 4 FROM seq_1_to_${orders * 2};
INSERT INTO payments SELECT seq, seq, (seq % 10000) / 100, CONCAT('{"provider":"stripe","id":"pi_', SHA2(seq, 256), '","note":"Zahlung ✓"}') FROM seq_1_to_${orders};
INSERT INTO reviews SELECT seq, 1 + seq % ${restaurants}, 1 + seq % ${users}, CONCAT('Sehr gut! 👍 ', REPEAT('美味しい ', 10), seq) FROM seq_1_to_${n(30_000)};
INSERT INTO attachments SELECT seq, 1 + seq % ${users}, CONCAT(RANDOM_BYTES(1024), RANDOM_BYTES(1024), RANDOM_BYTES(1024), RANDOM_BYTES(1024)) FROM seq_1_to_${attachments};
INSERT INTO audit_log SELECT seq, ELT(1 + seq % 4, 'order', 'user', 'menu', 'payment'), CONCAT('changed by ', seq, ': «', SHA2(seq, 512), '»') FROM seq_1_to_${n(40_000)};
INSERT INTO settings VALUES ('locale', 'de_DE.UTF-8'), ('currency', '€'), ('greeting', 'Grüß Gott 👋'), ('quote''s', 'a\\\\b\\ttab');
`;
}

/** Loads the generated snapshot into `database` on the test server. */
export async function loadSnapshot(server: MariaDbServer, database: string, scale = 1): Promise<void> {
  await runSql(server, `SET NAMES utf8mb4;\nUSE \`${database}\`;\n${snapshotSql(scale)}`);
}

/** Bytes of table data and indexes, as information_schema counts them. */
export async function databaseBytes(server: MariaDbServer, database: string): Promise<number> {
  const out = await runSql(
    server,
    `SELECT COALESCE(SUM(data_length + index_length), 0) FROM information_schema.tables WHERE table_schema = '${database}';`,
  );
  return Number(out.trim());
}

/**
 * A fingerprint of everything in the database: the sha256 of its mysqldump (no dump date, tables in order, rows by
 * primary key, blobs in hex), so two equal fingerprints mean byte-for-byte equal contents and definitions.
 */
export function databaseFingerprint(server: MariaDbServer, database: string): Promise<{ sha256: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const dump = spawn(
      "mysqldump",
      [
        `--defaults-extra-file=${server.defaultsFile}`,
        "--default-character-set=utf8mb4",
        "--skip-dump-date",
        "--order-by-primary",
        "--hex-blob",
        "--single-transaction",
        "--skip-comments",
        database,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const hash = createHash("sha256");
    let bytes = 0;
    let stderr = "";
    dump.stdout.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    dump.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    dump.once("error", reject);
    dump.once("close", (code) =>
      code === 0 ? resolve({ sha256: hash.digest("hex"), bytes }) : reject(new Error(`mysqldump exited ${code}: ${stderr.trim()}`)),
    );
  });
}
