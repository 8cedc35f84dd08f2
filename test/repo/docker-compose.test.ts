import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROLES } from '../../src/config/role.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Service {
  build?: string;
  image?: string;
  deploy?: { replicas?: number };
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const workers = Object.entries(compose.services).filter(([name]) => name !== 'postgres');

describe('docker-compose.yml', () => {
  it('runs PostgreSQL with a volume and a pg_isready health check', () => {
    const postgres = compose.services.postgres as Service;
    expect(postgres.volumes?.[0]).toMatch(/^pgdata:\/var\/lib\/postgresql\/data$/);
    expect(compose.volumes).toHaveProperty('pgdata');
    expect(postgres.healthcheck?.test).toContain('pg_isready');
  });

  it('runs one bot, two pollers and one digester from the repo’s image', () => {
    const roles = workers.flatMap(([, service]) => Array(service.deploy?.replicas ?? 1).fill(service.environment?.SANCOCHO_ROLE));
    expect(roles.sort()).toEqual(['bot', 'digester', 'poller', 'poller']);
    expect(roles.every((role) => (ROLES as readonly string[]).includes(role))).toBe(true);
    for (const [, service] of workers) expect(service.build).toBe('.');
    expect(existsSync(path.join(ROOT, 'Dockerfile'))).toBe(true);
  });

  it('starts each worker once PostgreSQL is healthy, checks it on /healthz, and points it at the database', () => {
    for (const [, service] of workers) {
      expect(service.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
      expect(service.healthcheck?.test.join(' ')).toContain(`:${service.environment?.SANCOCHO_HEALTH_PORT}/healthz`);
      expect(service.environment?.SANCOCHO_DATABASE_URL).toMatch(/^postgres:\/\/sancocho:.*@postgres:5432\/sancocho$/);
    }
  });

  it('names only environment variables Sancocho reads (config/environment.ts)', () => {
    const read = readFileSync(path.join(ROOT, 'src/config/environment.ts'), 'utf8');
    const names = new Set(workers.flatMap(([, service]) => Object.keys(service.environment ?? {})));
    for (const name of names) expect(read, name).toContain(`  ${name}: setting,`);
  });
});
