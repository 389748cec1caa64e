/** CyberTipline and NCA exports: element order as REGULATION.md §7.2 documents, values, no media by default. */
import { describe, expect, it } from 'vitest';
import {
  INCIDENT_SUMMARY_ORDER,
  REPORT_ELEMENT_ORDER,
  buildCyberTiplineReport,
  buildNcaReport,
  escapeXml,
  ncmecHashType,
  type ReferralInput,
} from '../src/index.js';

/** The names of the direct children of the first element `parent`, in document order. */
export function childrenOf(xml: string, parent: string): string[] {
  const start = xml.indexOf(`<${parent}>`);
  if (start < 0) return [];
  const end = xml.indexOf(`</${parent}>`, start);
  const inner = xml.slice(start + parent.length + 2, end);
  const names: string[] = [];
  let depth = 0;
  for (const m of inner.matchAll(/<(\/?)([A-Za-z][\w]*)([^>]*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m;
    if (closing) depth -= 1;
    else {
      if (depth === 0) names.push(name as string);
      if (!selfClosing) depth += 1;
    }
  }
  return names;
}

const base: ReferralInput = {
  referralId: 'rf_1',
  caseId: 'cs_1',
  decisionId: 'dc_1',
  incidentType: 'Online Enticement of Children for Sexual Acts',
  annotations: ['sextortion', 'csamSolicitation'],
  escalateToHighPriority: 'The reported user proposed meeting the child in person.',
  platform: 'Example Chat',
  espService: 'Example Chat direct messages',
  incidentAt: new Date('2026-03-01T09:00:00Z'),
  now: new Date('2026-03-02T00:00:00Z'),
  chat: {
    chatClient: 'Example Chat',
    chatRoomName: 'conv-1',
    messages: [
      { index: 0, from: 'adult-9', ts: '2026-03-01T09:00:00Z', text: 'hi <3 & stuff' },
      { index: 1, from: 'child-1', ts: '2026-03-01T09:01:00Z', text: 'hello' },
    ],
  },
  reporter: { firstName: 'Safety', lastName: 'Team', email: 'safety@example.org', termsOfService: 'https://example.org/terms' },
  suspect: { espIdentifier: 'adult-9', screenName: 'cool_guy', ageBand: 'adult', age: 34, priorCTReports: ['123456'] },
  victims: [{ espIdentifier: 'child-1', ageBand: '13-15', age: 14 }],
  includeMedia: false,
  files: [{ evidenceId: 'ev_1', fileViewedByEsp: true, relevance: 'Reported', classification: 'B2', hashes: [{ hashType: 'PDQ', value: 'ab'.repeat(32) }] }],
  retainUntil: '2027-03-02T00:00:00.000Z',
  ukLink: ['victim-in-uk'],
  detectedAt: '2026-03-01T09:05:00Z',
  detectedBy: ['automated-detection'],
};

describe('CyberTipline report', () => {
  it('emits <report> children and <incidentSummary> children in the documented XSD order', () => {
    const { xml, missing } = buildCyberTiplineReport(base);
    expect(missing).toEqual([]);
    const top = childrenOf(xml, 'report');
    expect(top).toEqual(['incidentSummary', 'internetDetails', 'reporter', 'personOrUserReported', 'victim', 'additionalInfo']);
    const positions = top.map((n) => REPORT_ELEMENT_ORDER.indexOf(n as (typeof REPORT_ELEMENT_ORDER)[number]));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(childrenOf(xml, 'incidentSummary')).toEqual([...INCIDENT_SUMMARY_ORDER].filter((n) => n !== 'incidentDateTimeDescription'));
    expect(childrenOf(xml, 'reportAnnotations')).toEqual(['sextortion', 'csamSolicitation']);
    expect(childrenOf(xml, 'chatImIncident')).toEqual(['chatClient', 'chatRoomName', 'content', 'additionalInfo']);
    expect(childrenOf(xml, 'personOrUserReported')).toEqual(['personOrUserReportedPerson', 'espIdentifier', 'espService', 'screenName', 'priorCTReports', 'additionalInfo']);
    expect(childrenOf(xml, 'victim')).toEqual(['victimPerson', 'espIdentifier', 'espService', 'additionalInfo']);
    expect(childrenOf(xml, 'reportingPerson')).toEqual(['firstName', 'lastName', 'email']);
  });

  it('uses the documented values and escapes text', () => {
    const { xml } = buildCyberTiplineReport(base);
    expect(xml).toContain('<incidentType>Online Enticement of Children for Sexual Acts</incidentType>');
    expect(xml).toContain('<incidentDateTime>2026-03-01T09:00:00.000Z</incidentDateTime>');
    expect(xml).toContain('hi &lt;3 &amp; stuff');
    expect(escapeXml('a\u0001b"')).toBe('ab&quot;');
  });

  it('reports text-only enticement with no files, and never media unless enabled', () => {
    const off = buildCyberTiplineReport(base);
    expect(off.fileDetails).toEqual([]);
    expect(off.xml).not.toContain('fileDetails');
    expect(off.xml).toMatch(/No media files are attached/);
    const on = buildCyberTiplineReport({ ...base, includeMedia: true });
    expect(on.fileDetails).toHaveLength(1);
    expect(childrenOf(on.fileDetails[0]?.xml ?? '', 'fileDetails')).toEqual([
      'reportId',
      'fileId',
      'fileViewedByEsp',
      'fileRelevance',
      'industryClassification',
      'originalFileHash',
    ]);
    expect(on.fileDetails[0]?.xml).toContain('<originalFileHash hashType="PDQ">');
    const supplemental = buildCyberTiplineReport({ ...base, includeMedia: true, files: [{ ...base.files![0]!, relevance: 'Supplemental Reported', annotations: ['potentialMeme', 'viral'] }] });
    expect(supplemental.fileDetails[0]?.xml).not.toContain('industryClassification');
    expect(supplemental.fileDetails[0]?.xml).not.toContain('potentialMeme');
  });

  it('never dates an incident in the future, and says what is missing', () => {
    const { xml, missing } = buildCyberTiplineReport({ ...base, incidentAt: new Date('2030-01-01T00:00:00Z'), reporter: {} });
    expect(xml).toContain('<incidentDateTime>2026-03-02T00:00:00.000Z</incidentDateTime>');
    expect(missing[0]).toMatch(/reporter\.email/);
    expect(childrenOf(xml, 'reportingPerson')).toEqual(['email']);
  });

  it('normalises hash names', () => {
    expect(ncmecHashType('video_md5')).toBe('MD5');
    expect(ncmecHashType('pdq')).toBe('PDQ');
  });
});

describe('UK (NCA) variant', () => {
  it('is JSON with the UK link, the conversation and no media unless enabled', () => {
    const report = buildNcaReport(base);
    expect(report).toMatchObject({
      format: 'safeguard.uk-nca-csea-report',
      ukLink: { grounds: ['victim-in-uk'] },
      incident: { type: 'Online Enticement of Children for Sexual Acts', urgent: true },
      suspect: { platformUserId: 'adult-9', priorReports: ['123456'] },
      victims: [{ platformUserId: 'child-1', ageBand: '13-15' }],
      content: { mediaIncluded: false, media: [] },
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});
