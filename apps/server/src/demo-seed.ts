/**
 * The demo tenant that `npm start` seeds: a 12-year-old with a linked parent, a 15-year-old with an
 * adult friend, and an adult stranger. Seeding is idempotent: what exists is left alone, so changes
 * made while trying the demo survive a restart. The demo admin key is kept in the data directory
 * (mode 0600) because keys are stored hashed and could not otherwise be shown again.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseApiKey, verifySecret, type SafeguardStore } from '@safeguard/store';
import type { AccountInput } from '@safeguard/store';

export const DEMO_TENANT = 'demo';

export const DEMO_ACCOUNTS = {
  child12: 'demo-child-12',
  teen15: 'demo-teen-15',
  stranger: 'demo-stranger',
  parent: 'demo-parent',
  friend: 'demo-friend',
} as const;

/** A birth date that makes someone `years` old (and a few months) on `today`. */
function birthDateFor(today: Date, years: number, monthsExtra = 4): string {
  const d = new Date(Date.UTC(today.getUTCFullYear() - years, today.getUTCMonth() - monthsExtra, 15));
  return d.toISOString().slice(0, 10);
}

export interface DemoSeedResult {
  readonly tenantId: string;
  readonly adminKey: string;
  readonly created: boolean;
}

export async function seedDemo(store: SafeguardStore, dataDir: string, today = new Date()): Promise<DemoSeedResult> {
  let tenant = await store.findTenantByName(DEMO_TENANT);
  const created = !tenant;
  tenant ??= await store.createTenant(DEMO_TENANT);
  const tenantId = tenant.id;

  const accounts: AccountInput[] = [
    { id: DEMO_ACCOUNTS.child12, birthDate: birthDateFor(today, 12), jurisdiction: 'UK', assuranceMethod: 'guardian-confirmed' },
    { id: DEMO_ACCOUNTS.teen15, birthDate: birthDateFor(today, 15), jurisdiction: 'UK', assuranceMethod: 'facial-estimation' },
    { id: DEMO_ACCOUNTS.stranger, birthDate: birthDateFor(today, 34), jurisdiction: 'UK', assuranceMethod: 'self-declared' },
    { id: DEMO_ACCOUNTS.parent, birthDate: birthDateFor(today, 41), jurisdiction: 'UK', assuranceMethod: 'id-document' },
    { id: DEMO_ACCOUNTS.friend, birthDate: birthDateFor(today, 19), jurisdiction: 'UK', assuranceMethod: 'id-document' },
  ];

  await store.transaction(async (tx) => {
    for (const account of accounts) {
      if (!(await tx.getAccount(tenantId, account.id))) {
        await tx.upsertAccount(tenantId, account);
        await tx.appendAudit(tenantId, { actor: 'system:demo-seed', action: 'account.create', target: account.id, details: { fields: ['birthDate', 'jurisdiction', 'ageAssurance'] } });
      }
    }
    if (await tx.linkGuardian(tenantId, DEMO_ACCOUNTS.parent, DEMO_ACCOUNTS.child12)) {
      await tx.appendAudit(tenantId, { actor: 'system:demo-seed', action: 'guardian.link', target: DEMO_ACCOUNTS.child12, details: { guardianId: DEMO_ACCOUNTS.parent } });
    }
    if ((await tx.getConnectionState(tenantId, DEMO_ACCOUNTS.teen15, DEMO_ACCOUNTS.friend)) !== 'accepted') {
      await tx.requestConnection(tenantId, DEMO_ACCOUNTS.friend, DEMO_ACCOUNTS.teen15);
      await tx.acceptConnection(tenantId, DEMO_ACCOUNTS.teen15, DEMO_ACCOUNTS.friend);
    }
  });

  const adminKey = await demoAdminKey(store, tenantId, dataDir);
  return { tenantId, adminKey, created };
}

async function demoAdminKey(store: SafeguardStore, tenantId: string, dataDir: string): Promise<string> {
  const file = join(dataDir, 'demo-admin-key.txt');
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    const parsed = parseApiKey(saved);
    const row = parsed ? await store.getApiKeyForAuth(parsed.keyId) : undefined;
    if (parsed && row && row.tenantId === tenantId && row.revokedAt === null && (await verifySecret(parsed.secret, row.salt, row.hash))) {
      return saved;
    }
  }
  const created = await store.transaction(async (tx) => {
    const key = await tx.createApiKey(tenantId, 'admin', 'demo admin (npm start)');
    await tx.appendAudit(tenantId, { actor: 'system:demo-seed', action: 'key.create', target: key.id, details: { role: 'admin', label: key.label } });
    return key;
  });
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${created.key}\n`, { mode: 0o600 });
  return created.key;
}
