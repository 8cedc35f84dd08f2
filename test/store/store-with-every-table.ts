import type { Database } from '../../src/store/open-database.js';

/** 2100-01-01 in epoch milliseconds: a time past 2^32 seconds' worth of milliseconds, as every real one is. */
export const FAR_FUTURE = 4_102_444_800_000;

/** The item whose title search must find without its accents. */
export const ASUNCION_ITEM = { id: 7, title: 'Cumbre del Mercosur en Asunción: acuerdo con la Unión Europea' } as const;

/**
 * A small SQLite store with rows in every table `sancocho migrate` copies, written as SQL so each
 * value is what it shows: accents, NULLs, 0/1 flags, epoch milliseconds past 2^32, ids with gaps
 * (deleted rows), a story shared by two feeds, sent and pending digest parts.
 */
export function fillEveryTable(db: Database): void {
  db.exec(`
    INSERT INTO feeds (id, url, name, language, interval_minutes, origin, guild_id, status, etag, last_modified, next_due_at,
        last_polled_at, last_success_at, last_http_status, consecutive_errors, last_error_kind, last_error_message, last_error_at,
        created_at, moved_to, moved_seen, original_url)
      VALUES
        (3, 'https://diariodelplata.example/rss', 'Diario del Plata — Economía', 'es', NULL, 'config', NULL, 'active', 'W/"a1"',
          'Mon, 30 Nov 2026 07:00:00 GMT', ${FAR_FUTURE}, ${FAR_FUTURE - 1}, ${FAR_FUTURE - 1}, 200, 0, NULL, NULL, NULL, 1764400000000,
          NULL, 0, NULL),
        (5, 'https://agenciasul.example/feed', 'Agência Sul', 'pt', 30, 'user', '1111222233334444', 'failing', NULL, NULL, 1764400000000,
          1764400000000, NULL, 503, 2, 'http', 'Serviço indisponível', 1764400000000, 1764300000000,
          'https://agenciasul.example/novo-feed', 2, 'https://agenciasul.example/feed-antigo');

    INSERT INTO items (id, feed_id, guid, url, canonical_url, title, title_key, summary, language, source, source_key,
        published_at, dated, content_hash, backlog, fetched_at, updated_at)
      VALUES
        (${ASUNCION_ITEM.id}, 3, 'dp-1', 'https://diariodelplata.example/a?utm_source=x', 'https://diariodelplata.example/a',
          '${ASUNCION_ITEM.title}', 'cumbre del mercosur en asuncion', 'Los presidentes firmaron el texto en el Palacio de López.',
          'es', 'Diario del Plata', 'diario del plata', ${FAR_FUTURE}, 1, 'h7', 0, ${FAR_FUTURE}, ${FAR_FUTURE}),
        (8, 5, NULL, NULL, NULL, 'São Paulo recebe cúpula da CELAC', 'sao paulo recebe cupula da celac', '', 'pt', NULL, 'feed:5',
          1764300000000, 0, 'h8', 1, 1764300000000, 1764300000000),
        (12, 5, 'as-3', 'https://agenciasul.example/3', 'https://agenciasul.example/3', 'Brasil e China ampliam swap cambial',
          'brasil e china ampliam swap cambial', 'Acordo de R$ 190 bilhões.', 'pt', 'Agência Sul', 'agencia sul', 1764350000000, 1,
          'h12', 0, 1764350000000, 1764360000000);

    INSERT INTO item_feeds (feed_id, entry_key, item_id, first_seen_at) VALUES
      (3, 'dp-1', 7, ${FAR_FUTURE}),
      (5, 'https://agenciasul.example/mercosur', 7, ${FAR_FUTURE}),
      (5, 'São Paulo recebe cúpula da CELAC', 8, 1764300000000),
      (5, 'as-3', 12, 1764350000000);

    INSERT INTO classifications (item_id, content_hash, source, model, prompt_version, themes, scores, evidence, reason,
        classified_at, awaiting_llm)
      VALUES
        (7, 'h7', 'llm', 'gpt-4o-mini', 'p1', '["regional-integration","trade-tariffs"]', '{"regional-integration":0.875}',
          '{"regional-integration":["Mercosur"]}', NULL, ${FAR_FUTURE}, 0),
        (8, 'h8', 'offline', NULL, NULL, '[]', '{}', '{}', 'budget', 1764300000000, 1);

    INSERT INTO item_themes (item_id, theme, score) VALUES (7, 'regional-integration', 0.875), (7, 'trade-tariffs', 0.5);
    INSERT INTO llm_cache (content_hash, model, prompt_version, themes, created_at) VALUES ('h7', 'gpt-4o-mini', 'p1', '["regional-integration"]', 1764400000000);
    INSERT INTO llm_usage (id, at, model, prompt_tokens, completion_tokens, total_tokens, items, mode, purpose) VALUES
      (1, 1764400000000, 'gpt-4o-mini', 1200, 80, 1280, 10, 'json_schema', 'classify'),
      (4, 1764400001000, 'gpt-4o-mini', 300, 120, 420, 3, 'json_object', 'overview');
    INSERT INTO llm_modes (server, model, mode, updated_at) VALUES ('https://api.openai.com/v1', 'gpt-4o-mini', 'json_schema', 1764400000000);
    INSERT INTO merge_decisions (hash_a, hash_b, same, model, decided_at) VALUES ('h12', 'h7', 0, 'gpt-4o-mini', 1764400000000), ('h7', 'h8', 1, 'gpt-4o-mini', 1764400000000);

    INSERT INTO digest_schedules (name, first_seen_at) VALUES ('matutino', 1764300000000);
    INSERT INTO digests (id, schedule, slot_at, trigger, destination, window_from, window_to, stories, markdown, status, error, created_at, completed_at) VALUES
      (2, 'matutino', 1764396000000, 'schedule', 'channel:123', 1764309600000, 1764396000000, 2, '# Resumen · 29 nov', 'sent', NULL, 1764396000000, 1764396005000),
      (6, 'matutino', 1764482400000, 'catch-up', 'webhook:abc', 1764396000000, 1764482400000, 1, '# Resumo', 'pending', NULL, 1764482400000, NULL);
    INSERT INTO digest_parts (digest_id, part, payload, nonce, status, message_id, attempts, next_attempt_at, last_error, sent_at, attempted_at) VALUES
      (2, 1, '{"content":"Resumen"}', 'n-2-1', 'sent', '998877665544332211', 1, 0, NULL, 1764396005000, 1764396004000),
      (6, 1, '{"content":"Resumo"}', 'n-6-1', 'pending', NULL, 2, 1764482460000, 'HTTP 502', NULL, 1764482401000);
    INSERT INTO digest_part_items (digest_id, part, item_id, title) VALUES (2, 1, 7, '${ASUNCION_ITEM.title}'), (2, 1, 12, 'Brasil e China ampliam swap cambial'), (6, 1, 8, 'São Paulo recebe cúpula da CELAC');
    INSERT INTO delivered_items (destination, item_id, title, digest_id, delivered_at) VALUES
      ('channel:123', 7, '${ASUNCION_ITEM.title}', 2, 1764396005000), ('channel:123', 12, 'Brasil e China ampliam swap cambial', 2, 1764396005000);
    INSERT INTO destination_errors (destination, error, at) VALUES ('channel:404', 'unknown channel', 1764400000000);
    INSERT INTO digest_overviews (key, text, created_at) VALUES ('p1:gpt-4o-mini:es:regional-integration:7', 'El Mercosur cerró su acuerdo.', 1764400000000);
    INSERT INTO theme_routes (guild_id, theme, channel_id, created_by, created_at) VALUES ('1111222233334444', 'china-latam', '5555', 'admin#1', 1764400000000);
  `);
  fillAlertTables(db);
  // A digester building the next slot when the store was copied; its claim lapses like any other.
  // (A file of a schema before the claims migration has no such table.)
  if (db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'digest_claims'`).get()) {
    db.exec(`INSERT INTO digest_claims (schedule, slot_at, destination, owner, expires_at) VALUES
      ('matutino', 1764568800000, 'channel:123', 'host-a:4242:9f1c', 1764568920000)`);
  }
  fillLensReadings(db);
}

/** Lens readings (SQLite migration 16), when the file has them: a file of an older schema has not. */
function fillLensReadings(db: Database): void {
  if (!db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'lens_readings'`).get()) return;
  db.exec(`
    INSERT INTO lens_readings (item_id, direction, obstacles, actors, evidence, quote, source, importance_score, importance_fact, read_at)
      VALUES (7, 'advancing', '[]', '["mercosur","PY"]', '["advancing: \\"acuerdo con la Unión Europea\\" (llm)"]', 'acuerdo con la Unión Europea',
          'llm', 0.75, 'Cumbre del Mercosur en Asunción', ${FAR_FUTURE});
  `);
}

/** The alert tables (SQLite migration 14), when the file has them: a file of an older schema has not. */
function fillAlertTables(db: Database): void {
  if (!db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alerts'`).get()) return;
  db.exec(`
    INSERT INTO alerts (alert_id, destination, target, state, item_ids, outlets, outlets_at_alert, reasons, decided_at, sent_at, post_digest_id) VALUES
      ('alert:caribe:7', 'caribe', 'channel:123', 'sent', '[7,8]', '["Agência Sul","Diario del Plata"]', 2, '[{"kind":"velocity","outlets":2,"spanMs":60000,"theme":"trade-tariffs"}]', 1764396001000, 1764396001000, 2);
    INSERT INTO alert_items (alert_id, item_id) VALUES ('alert:caribe:7', 7), ('alert:caribe:7', 8);
    INSERT INTO alert_rules (id, guild_id, theme, terms, min_outlets, channel_id, language, created_by, created_at) VALUES
      (3, '1111222233334444', 'us-venezuela', '["ataque","strike"]', NULL, '5555', 'es', 'admin#1', 1764400000000);
    INSERT INTO alert_mutes (guild_id, until, set_by, set_at) VALUES ('1111222233334444', 1764410000000, 'admin#1', 1764400000000);
  `);
  // SQLite migration 18: a server's alert settings, and why a story was held back.
  if (!db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alert_settings'`).get()) return;
  db.exec(`
    INSERT INTO alert_settings (guild_id, timezone, quiet_from, quiet_to, max_per_hour, set_by, set_at) VALUES
      ('1111222233334444', 'America/Caracas', 1320, 420, 2, 'admin#1', 1764400000000);
    INSERT INTO alerts (alert_id, destination, target, state, item_ids, outlets, outlets_at_alert, reasons, decided_at, held_because) VALUES
      ('alert:caribe:9', 'caribe', 'channel:123', 'to-digest', '[9]', '["Agência Sul"]', 1, '[]', 1764396002000, 'quiet');
  `);
}
