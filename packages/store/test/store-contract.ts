/**
 * The store contract: every store adapter (SQLite, PostgreSQL) runs this same suite.
 */
import { sql, type Kysely } from 'kysely';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_TENANT_POLICY } from '@safeguard/policy';
import { SafeguardError } from '@safeguard/core';
import { parseApiKey, verifySecret } from '../src/keys.js';
import type { Database } from '../src/schema.js';
import type { SafeguardStore } from '../src/store.js';

export interface StoreUnderTest {
  readonly store: SafeguardStore;
  readonly db: Kysely<Database>;
  cleanup(): Promise<void>;
}

export function runStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`store contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: SafeguardStore;
    let tenantA: string;
    let tenantB: string;

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
      tenantA = (await store.createTenant('tenant-a')).id;
      tenantB = (await store.createTenant('tenant-b')).id;
    });
    afterAll(async () => {
      await subject.cleanup();
    });

    describe('tenants', () => {
      it('creates, finds and lists tenants with their policy', async () => {
        const tenant = await store.getTenant(tenantA);
        expect(tenant?.name).toBe('tenant-a');
        expect(tenant?.policy).toEqual(DEFAULT_TENANT_POLICY);
        expect((await store.findTenantByName('tenant-b'))?.id).toBe(tenantB);
        expect((await store.listTenants()).map((t) => t.name)).toEqual(expect.arrayContaining(['tenant-a', 'tenant-b']));
      });

      it('refuses a duplicate name with a conflict', async () => {
        await expect(store.createTenant('tenant-a')).rejects.toMatchObject({ code: 'conflict' });
      });

      it('stores a policy configuration', async () => {
        const policy = { defaultJurisdiction: 'EU' as const, exemptions: [{ ruleId: 'DEF-12', reason: 'test' }] };
        const t = await store.createTenant('policy-tenant');
        await store.setTenantPolicy(t.id, policy);
        expect((await store.getTenant(t.id))?.policy).toEqual(policy);
      });
    });

    describe('api keys', () => {
      it('stores only a salted hash and verifies the secret', async () => {
        const created = await store.createApiKey(tenantA, 'moderator', 'mod key');
        const parsed = parseApiKey(created.key);
        expect(parsed?.keyId).toBe(created.id);
        const row = await store.getApiKeyForAuth(created.id);
        expect(row?.hash).toBeTruthy();
        expect(row?.hash).not.toContain(parsed?.secret ?? 'missing');
        expect(await verifySecret(parsed?.secret ?? '', row?.salt ?? '', row?.hash ?? '')).toBe(true);
        expect(await verifySecret('x'.repeat(43), row?.salt ?? '', row?.hash ?? '')).toBe(false);
        const raw = await subject.db.selectFrom('api_keys').selectAll().where('id', '=', created.id).executeTakeFirst();
        expect(JSON.stringify(raw)).not.toContain(parsed?.secret ?? 'missing');
      });

      it('lists keys per tenant and revokes within the tenant only', async () => {
        const created = await store.createApiKey(tenantA, 'platform', 'backend');
        expect((await store.listApiKeys(tenantB)).some((k) => k.id === created.id)).toBe(false);
        expect(await store.revokeApiKey(tenantB, created.id)).toBe(false);
        expect(await store.revokeApiKey(tenantA, created.id)).toBe(true);
        expect(await store.revokeApiKey(tenantA, created.id)).toBe(false);
        expect((await store.getApiKeyForAuth(created.id))?.revokedAt).not.toBeNull();
      });
    });

    describe('accounts', () => {
      it('creates, merges updates and clears with null', async () => {
        const first = await store.upsertAccount(tenantA, { id: 'kid', birthDate: '2014-05-01', jurisdiction: 'UK' });
        expect(first.created).toBe(true);
        const second = await store.upsertAccount(tenantA, { id: 'kid', assuranceMethod: 'facial-estimation' });
        expect(second.created).toBe(false);
        expect(second.account).toMatchObject({ birthDate: '2014-05-01', assuranceMethod: 'facial-estimation', jurisdiction: 'UK' });
        const third = await store.upsertAccount(tenantA, { id: 'kid', jurisdiction: null });
        expect(third.account.jurisdiction).toBeNull();
        expect(third.account.birthDate).toBe('2014-05-01');
      });

      it('keeps the same account id separate per tenant', async () => {
        await store.upsertAccount(tenantA, { id: 'same', declaredBand: 'adult' });
        await store.upsertAccount(tenantB, { id: 'same', declaredBand: 'under13' });
        expect((await store.getAccount(tenantA, 'same'))?.declaredBand).toBe('adult');
        expect((await store.getAccount(tenantB, 'same'))?.declaredBand).toBe('under13');
        expect(await store.getAccount(tenantB, 'kid')).toBeUndefined();
      });

      it('returns account records with their setting overrides', async () => {
        await store.upsertAccount(tenantA, { id: 'rec-1', birthDate: '2012-02-29' });
        await store.upsertAccount(tenantA, { id: 'rec-2', declaredBand: 'adult' });
        await store.setSetting(tenantA, 'rec-1', { key: 'design.autoplay', value: 'on', setBy: 'self' });
        await store.setSetting(tenantA, 'rec-1', {
          key: 'location.collection',
          value: 'on',
          setBy: 'self',
          sessionId: 's1',
          expiresAt: 1_900_000_000_000,
        });
        const records = await store.getAccountRecords(tenantA, ['rec-1', 'rec-2', 'missing']);
        expect(records.size).toBe(2);
        expect(records.get('rec-1')?.birthDate).toBe(20120229);
        expect(records.get('rec-1')?.settings).toEqual(
          expect.arrayContaining([
            { key: 'design.autoplay', value: 'on', setBy: 'self', sessionId: null, expiresAt: null },
            { key: 'location.collection', value: 'on', setBy: 'self', sessionId: 's1', expiresAt: 1_900_000_000_000 },
          ]),
        );
        expect(records.get('rec-2')?.declaredBand).toBe('adult');
      });

      it('reads many accounts in one call beyond one IN list', async () => {
        const ids = Array.from({ length: 950 }, (_, i) => `bulk-${i}`);
        await store.transaction(async (s) => {
          for (const id of ids) await s.upsertAccount(tenantA, { id, declaredBand: 'adult' });
        });
        const records = await store.getAccountRecords(tenantA, ids);
        expect(records.size).toBe(950);
        expect(await store.countAccounts(tenantA)).toBeGreaterThanOrEqual(950);
      });

      it('erases an account and what hangs off it', async () => {
        await store.upsertAccount(tenantA, { id: 'gone' });
        await store.upsertAccount(tenantA, { id: 'gone-friend' });
        await store.requestConnection(tenantA, 'gone', 'gone-friend');
        await store.setSetting(tenantA, 'gone', { key: 'design.autoplay', value: 'on', setBy: 'self' });
        expect(await store.deleteAccount(tenantA, 'gone')).toBe(true);
        expect(await store.getAccount(tenantA, 'gone')).toBeUndefined();
        expect(await store.getConnectionState(tenantA, 'gone-friend', 'gone')).toBeUndefined();
        expect(await store.listSettingOverrides(tenantA, 'gone')).toEqual([]);
      });
    });

    describe('connections', () => {
      it('requests, accepts, and reports relationship facts', async () => {
        expect(await store.requestConnection(tenantA, 'ann', 'bob')).toBe('pending-out');
        expect(await store.getConnectionState(tenantA, 'bob', 'ann')).toBe('pending-in');
        const [pending] = await store.relationships(tenantA, [['ann', 'bob']]);
        expect(pending?.connected).toBe(false);
        await store.acceptConnection(tenantA, 'bob', 'ann');
        const [rel] = await store.relationships(tenantA, [['ann', 'bob']]);
        expect(rel).toMatchObject({ connected: true, blocked: false, actorIsGuardian: false });
        expect((await store.listConnections(tenantA, 'ann')).map((c) => c.peerId)).toEqual(['bob']);
        expect(await store.getConnectionState(tenantB, 'ann', 'bob')).toBeUndefined();
      });

      it('connects at once when both ask', async () => {
        await store.requestConnection(tenantA, 'cat', 'dan');
        expect(await store.requestConnection(tenantA, 'dan', 'cat')).toBe('accepted');
      });

      it('refuses to accept or decline a request that does not exist', async () => {
        await expect(store.acceptConnection(tenantA, 'nobody', 'someone')).rejects.toBeInstanceOf(SafeguardError);
        await expect(store.declineConnection(tenantA, 'nobody', 'someone')).rejects.toMatchObject({ code: 'not_found' });
      });

      it('declines and removes', async () => {
        await store.requestConnection(tenantA, 'eve', 'fay');
        await store.declineConnection(tenantA, 'fay', 'eve');
        expect(await store.getConnectionState(tenantA, 'eve', 'fay')).toBeUndefined();
        expect(await store.removeConnection(tenantA, 'ann', 'bob')).toBe(true);
        expect(await store.removeConnection(tenantA, 'ann', 'bob')).toBe(false);
      });

      it('blocks in both directions and removes the connection', async () => {
        await store.requestConnection(tenantA, 'gus', 'hal');
        await store.acceptConnection(tenantA, 'hal', 'gus');
        await store.block(tenantA, 'hal', 'gus');
        const [fromGus, fromHal] = await store.relationships(tenantA, [
          ['gus', 'hal'],
          ['hal', 'gus'],
        ]);
        expect(fromGus).toMatchObject({ blocked: true, connected: false });
        expect(fromHal).toMatchObject({ blocked: true, connected: false });
        expect(await store.unblock(tenantA, 'hal', 'gus')).toBe(true);
        expect((await store.relationships(tenantA, [['gus', 'hal']]))[0]?.blocked).toBe(false);
      });

      it('mutes and unmutes', async () => {
        await store.mute(tenantA, 'ivy', 'jon');
        expect(await store.isMuted(tenantA, 'ivy', 'jon')).toBe(true);
        expect(await store.isMuted(tenantB, 'ivy', 'jon')).toBe(false);
        expect(await store.unmute(tenantA, 'ivy', 'jon')).toBe(true);
        expect(await store.isMuted(tenantA, 'ivy', 'jon')).toBe(false);
      });

      it('counts mutual connections', async () => {
        for (const friend of ['m1', 'm2', 'm3']) {
          await store.requestConnection(tenantA, 'kim', friend);
          await store.acceptConnection(tenantA, friend, 'kim');
        }
        for (const friend of ['m2', 'm3', 'm4']) {
          await store.requestConnection(tenantA, 'lou', friend);
          await store.acceptConnection(tenantA, friend, 'lou');
        }
        expect(await store.countMutualConnections(tenantA, 'kim', 'lou')).toBe(2);
        const [rel] = await store.relationships(tenantA, [['kim', 'lou']], { mutual: true });
        expect(rel?.mutualConnections).toBe(2);
      });

      it('loads each account’s neighbourhood in one call', async () => {
        await store.linkGuardian(tenantA, 'kim-parent', 'kim');
        await store.block(tenantA, 'm4', 'kim');
        const adjacency = await store.loadAdjacency(tenantA, ['kim', 'm4', 'kim-parent', 'nobody-here']);
        expect([...(adjacency.get('kim')?.peers ?? [])].sort()).toEqual(['m1', 'm2', 'm3']);
        expect(adjacency.get('kim')?.blocked.has('m4')).toBe(true);
        expect(adjacency.get('m4')?.blocked.has('kim')).toBe(true);
        expect(adjacency.get('kim')?.guardians.has('kim-parent')).toBe(true);
        expect(adjacency.get('kim-parent')?.children.has('kim')).toBe(true);
        expect(adjacency.get('nobody-here')?.peers.size).toBe(0);
        const other = await store.loadAdjacency(tenantB, ['kim']);
        expect(other.get('kim')?.peers.size).toBe(0);
      });

      it('keeps an event history of graph actions', async () => {
        const events = await store.listConnectionEvents(tenantA, { accountId: 'eve' });
        expect(events.map((e) => e.type)).toEqual(['request', 'decline']);
      });
    });

    describe('guardians and settings', () => {
      it('links guardians and reports them in relationships', async () => {
        expect(await store.linkGuardian(tenantA, 'parent', 'child')).toBe(true);
        expect(await store.linkGuardian(tenantA, 'parent', 'child')).toBe(false);
        expect(await store.isGuardian(tenantA, 'parent', 'child')).toBe(true);
        expect(await store.isGuardian(tenantB, 'parent', 'child')).toBe(false);
        const [down, up] = await store.relationships(tenantA, [
          ['parent', 'child'],
          ['child', 'parent'],
        ]);
        expect(down).toMatchObject({ actorIsGuardian: true, targetIsGuardian: false });
        expect(up).toMatchObject({ actorIsGuardian: false, targetIsGuardian: true });
        expect((await store.listGuardians(tenantA, 'child')).map((g) => g.guardianId)).toEqual(['parent']);
        expect(await store.unlinkGuardian(tenantA, 'parent', 'child')).toBe(true);
      });

      it('reverts only the ended session’s settings', async () => {
        await store.setSetting(tenantA, 'sess', { key: 'location.sharing', value: 'connections', setBy: 'self', sessionId: 'a' });
        await store.setSetting(tenantA, 'sess', { key: 'location.collection', value: 'on', setBy: 'self', sessionId: 'b' });
        await store.setSetting(tenantA, 'sess', { key: 'design.autoplay', value: 'on', setBy: 'self' });
        expect(await store.endSession(tenantA, 'sess', 'a')).toEqual(['location.sharing']);
        expect((await store.listSettingOverrides(tenantA, 'sess')).map((s) => s.key)).toEqual([
          'design.autoplay',
          'location.collection',
        ]);
      });

      it('settles a guardian request exactly once', async () => {
        const request = await store.createGuardianRequest(tenantA, { childId: 'child', key: 'profile.visibility', value: 'public' });
        expect(request.status).toBe('pending');
        expect(await store.getGuardianRequest(tenantB, request.id)).toBeUndefined();
        expect(await store.decideGuardianRequest(tenantA, request.id, 'approved', 'parent')).toBe(true);
        expect(await store.decideGuardianRequest(tenantA, request.id, 'declined', 'parent')).toBe(false);
        expect((await store.getGuardianRequest(tenantA, request.id))?.status).toBe('approved');
        expect(await store.listGuardianRequests(tenantA, 'child', 'pending')).toEqual([]);
      });
    });

    describe('audit chain', () => {
      it('appends a verifiable chain per tenant', async () => {
        const t = (await store.createTenant('audit-ok')).id;
        for (let i = 0; i < 5; i += 1) await store.appendAudit(t, { actor: 'key:x', action: 'test.act', target: `t${i}`, details: { i } });
        const result = await store.verifyAudit(t);
        expect(result).toMatchObject({ ok: true, entries: 5 });
        expect((await store.auditHead(t)).seq).toBe(5);
        expect((await store.listAudit(t, { afterSeq: 3 })).map((e) => e.seq)).toEqual([4, 5]);
        expect((await store.verifyAudit(tenantB)).entries).toBe(0);
      });

      it('keeps one chain under concurrent appends', async () => {
        const t = (await store.createTenant('audit-concurrent')).id;
        await Promise.all(Array.from({ length: 40 }, (_, i) => store.appendAudit(t, { actor: 'a', action: 'x', details: { i } })));
        const result = await store.verifyAudit(t);
        expect(result.ok).toBe(true);
        expect(result.entries).toBe(40);
      });

      async function chainWith(label: string): Promise<string> {
        const t = (await store.createTenant(label)).id;
        for (let i = 1; i <= 5; i += 1) await store.appendAudit(t, { actor: 'a', action: 'x', target: `n${i}`, details: { i } });
        return t;
      }

      it('names an edited entry', async () => {
        const t = await chainWith('audit-edit');
        await subject.db.updateTable('audit_log').set({ details: '{"i":99}' }).where('tenant_id', '=', t).where('seq', '=', 3).execute();
        const result = await store.verifyAudit(t);
        expect(result.ok).toBe(false);
        expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'edited', seq: 3 }));
      });

      it('names a deleted entry', async () => {
        const t = await chainWith('audit-delete');
        await subject.db.deleteFrom('audit_log').where('tenant_id', '=', t).where('seq', '=', 2).execute();
        const result = await store.verifyAudit(t);
        expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'deleted', seq: 2 }));
      });

      it('names a truncated tail', async () => {
        const t = await chainWith('audit-truncate');
        await subject.db.deleteFrom('audit_log').where('tenant_id', '=', t).where('seq', '=', 5).execute();
        const result = await store.verifyAudit(t);
        expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'deleted', seq: 5 }));
      });

      it('names reordered entries', async () => {
        const t = await chainWith('audit-reorder');
        await subject.db.updateTable('audit_log').set({ seq: 100 }).where('tenant_id', '=', t).where('seq', '=', 2).execute();
        await subject.db.updateTable('audit_log').set({ seq: 2 }).where('tenant_id', '=', t).where('seq', '=', 3).execute();
        await subject.db.updateTable('audit_log').set({ seq: 3 }).where('tenant_id', '=', t).where('seq', '=', 100).execute();
        const result = await store.verifyAudit(t);
        expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'reordered', seq: 2 }));
        expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'reordered', seq: 3 }));
      });
    });

    describe('decision statistics', () => {
      it('adds counts up per day, action, outcome and rule', async () => {
        const row = { day: '2026-11-29', action: 'message.send', outcome: 'deny', ruleId: 'DEF-05', count: 3 };
        await store.addDecisionStats(tenantA, [row]);
        await store.addDecisionStats(tenantA, [{ ...row, count: 4 }]);
        expect(await store.listDecisionStats(tenantA, '2026-11-01', '2026-11-30')).toEqual([{ ...row, count: 7 }]);
        expect(await store.listDecisionStats(tenantB, '2026-11-01', '2026-11-30')).toEqual([]);
      });
    });

    describe('bulk rows (insertRows)', () => {
      const row = (i: number, score: number) => ({
        tenant_id: tenantA,
        conversation_id: 'bulk',
        account_id: `acc-${i}`,
        score,
        with_child: 1,
        alerted: 0,
        last_at: '2026-11-29T00:00:00.000Z',
      });
      const read = async () =>
        (await subject.db.selectFrom('conversation_participants').select(['account_id', 'score']).where('conversation_id', '=', 'bulk').orderBy('account_id').execute()).map(
          (r) => [r.account_id, Number(r.score)] as const,
        );

      it('inserts, ignores duplicates and upserts, in and out of a transaction, with the same counts', async () => {
        const rows = Array.from({ length: 250 }, (_, i) => row(i, 0.1));
        expect(await store.insertRows('conversation_participants', rows)).toBe(250);
        // Outside a transaction: multi-row statements; inside: the adapter's fastest path.
        expect(await store.insertRows('conversation_participants', rows.slice(0, 10), { onConflict: 'ignore' })).toBe(0);
        expect(await store.transaction((tx) => tx.insertRows('conversation_participants', [row(0, 0.5), row(300, 0.5)], { onConflict: 'ignore' }))).toBe(1);
        const upsert = { onConflict: { columns: ['tenant_id', 'conversation_id', 'account_id'], update: ['score'] } } as const;
        expect(await store.transaction((tx) => tx.insertRows('conversation_participants', [row(1, 0.9), row(301, 0.9)], upsert))).toBe(2);
        expect(await store.insertRows('conversation_participants', [row(2, 0.8)], upsert)).toBe(1);
        const stored = new Map(await read());
        expect(stored.size).toBe(252);
        expect([stored.get('acc-0'), stored.get('acc-1'), stored.get('acc-2'), stored.get('acc-300'), stored.get('acc-301')]).toEqual([0.1, 0.9, 0.8, 0.5, 0.9]);
      });

      it('rolls back with its transaction', async () => {
        await expect(
          store.transaction(async (tx) => {
            await tx.insertRows('conversation_participants', [row(900, 0.2)]);
            throw new Error('abort');
          }),
        ).rejects.toThrow('abort');
        expect(new Map(await read()).has('acc-900')).toBe(false);
      });

      it('refuses column names that are not plain identifiers', async () => {
        await expect(store.insertRows('conversation_participants', [{ ...row(5, 0.1), 'x"; drop table messages; --': 1 }])).rejects.toThrow(/invalid column name/);
      });
    });

    it('answers a ping', async () => {
      await store.ping();
      await expect(sql`select 1 as one`.execute(subject.db)).resolves.toBeTruthy();
    });
  });
}
