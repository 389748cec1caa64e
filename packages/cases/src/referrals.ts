/**
 * Law-enforcement referrals, exported for submission:
 *
 * - a CyberTipline report (NCMEC Reporting API, REGULATION.md §7.2): the `<report>` XML with its
 *   children in XSD sequence — NCMEC rejects out-of-order elements with responseCode 4100 — and
 *   `incidentDateTime` never in the future. Text-only cases (online enticement: grooming and
 *   sextortion in chat) are reported with the conversation as a chat incident and no files.
 *   Media is never included unless the tenant enables it; then each file is described by a
 *   `<fileDetails>` document (a separate transaction in the API, uploaded with the file).
 * - a UK variant for the National Crime Agency (Online Safety Act s.66–70) as JSON. The NCA's
 *   portal format is not public: this is Safeguard's own JSON with the same facts, plus the UK
 *   link (s.70) that makes the report due.
 *
 * The element order below is the XSD sequence as documented in REGULATION.md §7.2; CI should check
 * it against the live XSD (exttest.cybertip.org) before production use.
 */
import type { NcmecIncidentType, NcmecReportAnnotation } from './taxonomy.js';

export const INDUSTRY_CLASSIFICATIONS = ['A1', 'A2', 'B1', 'B2'] as const;
export type IndustryClassification = (typeof INDUSTRY_CLASSIFICATIONS)[number];

export const FILE_ANNOTATIONS = [
  'animeDrawingVirtualHentai',
  'potentialMeme',
  'viral',
  'possibleSelfProduction',
  'physicalHarm',
  'violenceGore',
  'bestiality',
  'liveStreaming',
  'infant',
  'generativeAi',
] as const;
export type FileAnnotation = (typeof FILE_ANNOTATIONS)[number];

/** XSD sequences, in order (REGULATION.md §7.2). Only elements Safeguard emits are used. */
export const REPORT_ELEMENT_ORDER = [
  'batchedReport',
  'incidentSummary',
  'internetDetails',
  'lawEnforcement',
  'reporter',
  'personOrUserReported',
  'intendedRecipient',
  'victim',
  'additionalInfo',
] as const;
export const INCIDENT_SUMMARY_ORDER = [
  'incidentType',
  'platform',
  'escalateToHighPriority',
  'reportAnnotations',
  'incidentDateTime',
  'incidentDateTimeDescription',
] as const;
export const CHAT_INCIDENT_ORDER = ['chatClient', 'chatRoomName', 'content', 'additionalInfo'] as const;
export const REPORTER_ORDER = ['reportingPerson', 'contactPerson', 'companyTemplate', 'termsOfService', 'legalURL'] as const;
export const PERSON_ORDER = ['firstName', 'lastName', 'phone', 'email', 'address', 'age', 'dateOfBirth'] as const;
export const REPORTED_USER_ORDER = [
  'personOrUserReportedPerson',
  'vehicleDescription',
  'espIdentifier',
  'espService',
  'compromisedAccount',
  'screenName',
  'displayName',
  'profileUrl',
  'profileBio',
  'ipCaptureEvent',
  'deviceId',
  'thirdPartyUserReported',
  'priorCTReports',
  'groupIdentifier',
  'estimatedLocation',
  'allEmailsReported',
  'associatedAccount',
  'additionalInfo',
] as const;
export const VICTIM_ORDER = [
  'victimPerson',
  'espIdentifier',
  'espService',
  'screenName',
  'displayName',
  'profileUrl',
  'ipCaptureEvent',
  'deviceId',
  'schoolName',
  'priorCTReports',
  'estimatedLocation',
  'additionalInfo',
] as const;
export const FILE_DETAILS_ORDER = [
  'reportId',
  'fileId',
  'originalFileName',
  'uploadedToEspTimestamp',
  'locationOfFile',
  'fileViewedByEsp',
  'exifViewedByEsp',
  'publiclyAvailable',
  'fileRelevance',
  'fileAnnotations',
  'industryClassification',
  'originalFileHash',
  'ipCaptureEvent',
  'deviceId',
  'details',
  'additionalInfo',
] as const;

export interface ReferralPerson {
  /** The platform's user id (espIdentifier). */
  readonly espIdentifier: string;
  readonly screenName?: string | null | undefined;
  readonly displayNames?: readonly string[] | undefined;
  readonly profileUrls?: readonly string[] | undefined;
  /** Completed years, when the platform knows a birth date. */
  readonly age?: number | null | undefined;
  /** Safeguard age band ('under13', '13-15', '16-17', 'adult', 'unknown'). */
  readonly ageBand?: string | null | undefined;
  readonly jurisdiction?: string | null | undefined;
  readonly priorCTReports?: readonly string[] | undefined;
  readonly additionalInfo?: string | null | undefined;
}

export interface ReferralMessage {
  readonly index: number;
  readonly from: string | null;
  readonly ts: string | null;
  readonly text: string | null;
}

export interface ReferralFile {
  /** Safeguard evidence id; becomes NCMEC's fileId once uploaded. */
  readonly evidenceId: string;
  readonly originalFileName?: string | null | undefined;
  readonly locationOfFile?: string | null | undefined;
  /** A person at the provider viewed the whole file (US courts weigh this). */
  readonly fileViewedByEsp: boolean;
  readonly publiclyAvailable?: boolean | undefined;
  readonly relevance: 'Reported' | 'Supplemental Reported';
  readonly annotations?: readonly FileAnnotation[] | undefined;
  readonly classification?: IndustryClassification | null | undefined;
  readonly hashes: readonly { readonly hashType: string; readonly value: string }[];
}

export interface ReferralContact {
  readonly firstName?: string | null | undefined;
  readonly lastName?: string | null | undefined;
  readonly email?: string | null | undefined;
  readonly phone?: string | null | undefined;
  readonly companyTemplate?: string | null | undefined;
  readonly termsOfService?: string | null | undefined;
  readonly legalUrl?: string | null | undefined;
}

export interface ReferralInput {
  readonly referralId: string;
  readonly caseId: string;
  readonly decisionId: string;
  readonly incidentType: NcmecIncidentType;
  readonly annotations: readonly NcmecReportAnnotation[];
  /** Supplying it escalates (imminent danger to a child); ≤ 3000 characters. */
  readonly escalateToHighPriority?: string | null | undefined;
  readonly platform: string;
  readonly espService: string;
  readonly incidentAt: Date;
  /** Export time; incidentAt is clamped to it (NCMEC rejects incident times in the future). */
  readonly now: Date;
  readonly incidentDescription?: string | null | undefined;
  readonly chat?: {
    readonly chatClient: string;
    readonly chatRoomName?: string | null | undefined;
    readonly messages: readonly ReferralMessage[];
  } | null | undefined;
  readonly reporter: ReferralContact;
  readonly suspect: ReferralPerson;
  readonly victims: readonly ReferralPerson[];
  readonly additionalInfo?: string | null | undefined;
  /** Only when the tenant enables media in referrals. */
  readonly files?: readonly ReferralFile[] | undefined;
  readonly includeMedia: boolean;
  readonly retainUntil: string;
  /** Why the report is UK-linked (OSA s.70), for the NCA variant. */
  readonly ukLink?: readonly ('suspect-in-uk' | 'victim-in-uk' | 'content-uploaded-in-uk')[] | undefined;
  readonly detectedAt: string;
  readonly detectedBy: readonly ('automated-detection' | 'user-report' | 'trusted-flagger' | 'authority')[];
}

export interface CyberTiplineExport {
  readonly xml: string;
  /** One `<fileDetails>` document per file (empty unless media is enabled). */
  readonly fileDetails: readonly { readonly evidenceId: string; readonly xml: string }[];
  /** Required facts that are missing (the report is not ready to submit until they are given). */
  readonly missing: readonly string[];
}

// ---- a tiny ordered XML writer ----------------------------------------------------------------

type XmlNode = readonly [name: string, content: string | readonly XmlNode[] | null, attrs?: Readonly<Record<string, string>>];

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the rest escaped.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

function render(node: XmlNode, indent: string): string {
  const [name, content, attrs] = node;
  const attributes = attrs ? Object.entries(attrs).map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('') : '';
  if (content === null) return `${indent}<${name}${attributes}/>`;
  if (typeof content === 'string') return `${indent}<${name}${attributes}>${escapeXml(content)}</${name}>`;
  if (content.length === 0) return `${indent}<${name}${attributes}/>`;
  return `${indent}<${name}${attributes}>\n${content.map((c) => render(c, `${indent}  `)).join('\n')}\n${indent}</${name}>`;
}

/** Children in the given XSD order (a node whose name is not in the order is a programming error). */
function ordered(order: readonly string[], nodes: readonly (XmlNode | null | undefined | false)[]): XmlNode[] {
  const present = nodes.filter((n): n is XmlNode => Boolean(n));
  for (const n of present) if (!order.includes(n[0])) throw new Error(`element ${n[0]} is not in the XSD sequence`);
  return present.map((n, i) => ({ n, i })).sort((a, b) => order.indexOf(a.n[0]) - order.indexOf(b.n[0]) || a.i - b.i).map((x) => x.n);
}

const text = (name: string, value: string | number | boolean | null | undefined, max?: number): XmlNode | null => {
  if (value === null || value === undefined || value === '') return null;
  const s = String(value);
  return [name, max !== undefined && s.length > max ? `${s.slice(0, max - 1)}…` : s];
};

function person(name: string, p: ReferralContact & { age?: number | null | undefined }): XmlNode | null {
  const children = ordered(PERSON_ORDER, [
    text('firstName', p.firstName),
    text('lastName', p.lastName),
    text('phone', p.phone),
    text('email', p.email),
    text('age', p.age),
  ]);
  return children.length > 0 ? [name, children] : null;
}

export function transcript(messages: readonly ReferralMessage[]): string {
  return messages
    .map((m) => `[${m.index}] ${m.ts ?? 'time unknown'} ${m.from ?? 'unknown sender'}: ${m.text ?? '(no text)'}`)
    .join('\n');
}

function describePerson(p: ReferralPerson, role: string): string {
  const bits = [`${role}; age band on the platform: ${p.ageBand ?? 'unknown'}`];
  if (p.jurisdiction) bits.push(`jurisdiction: ${p.jurisdiction}`);
  if (p.additionalInfo) bits.push(p.additionalInfo);
  return bits.join('; ');
}

/** The CyberTipline `<report>` document and any `<fileDetails>` documents, in XSD order. */
export function buildCyberTiplineReport(input: ReferralInput): CyberTiplineExport {
  const missing: string[] = [];
  if (!input.reporter.email) missing.push('reporter.email (the reporting person at the provider; NCMEC requires it)');
  const incidentAt = input.incidentAt.getTime() > input.now.getTime() ? input.now : input.incidentAt;
  const summary: XmlNode = [
    'incidentSummary',
    ordered(INCIDENT_SUMMARY_ORDER, [
      text('incidentType', input.incidentType),
      text('platform', input.platform, 256),
      text('escalateToHighPriority', input.escalateToHighPriority, 3000),
      input.annotations.length > 0 ? ['reportAnnotations', [...new Set(input.annotations)].map((a): XmlNode => [a, null])] : null,
      text('incidentDateTime', incidentAt.toISOString()),
      text('incidentDateTimeDescription', input.incidentDescription, 3000),
    ]),
  ];
  const chat: XmlNode | null = input.chat
    ? [
        'internetDetails',
        [
          [
            'chatImIncident',
            ordered(CHAT_INCIDENT_ORDER, [
              text('chatClient', input.chat.chatClient),
              text('chatRoomName', input.chat.chatRoomName),
              text('content', transcript(input.chat.messages)),
              text('additionalInfo', `${input.chat.messages.length} messages preserved by the provider; message numbers are positions in the conversation.`),
            ]),
          ],
        ],
      ]
    : null;
  const reporter: XmlNode = [
    'reporter',
    ordered(REPORTER_ORDER, [
      // reportingPerson is required, and NCMEC requires its email: emit it even when incomplete.
      person('reportingPerson', input.reporter) ?? ['reportingPerson', [['email', '']]],
      text('companyTemplate', input.reporter.companyTemplate),
      text('termsOfService', input.reporter.termsOfService),
      text('legalURL', input.reporter.legalUrl, 2083),
    ]),
  ];
  const suspect: XmlNode = [
    'personOrUserReported',
    ordered(REPORTED_USER_ORDER, [
      input.suspect.age !== null && input.suspect.age !== undefined ? person('personOrUserReportedPerson', { age: input.suspect.age }) : null,
      text('espIdentifier', input.suspect.espIdentifier),
      text('espService', input.espService),
      text('screenName', input.suspect.screenName),
      ...(input.suspect.displayNames ?? []).map((d) => text('displayName', d)),
      ...(input.suspect.profileUrls ?? []).map((u) => text('profileUrl', u, 2083)),
      ...(input.suspect.priorCTReports ?? []).map((r) => text('priorCTReports', r)),
      text('additionalInfo', describePerson(input.suspect, 'Reported user')),
    ]),
  ];
  const victims: XmlNode[] = input.victims.map((v) => [
    'victim',
    ordered(VICTIM_ORDER, [
      // victimPerson is required; age when the platform knows a birth date.
      person('victimPerson', { age: v.age }) ?? ['victimPerson', []],
      text('espIdentifier', v.espIdentifier),
      text('espService', input.espService),
      text('screenName', v.screenName),
      ...(v.displayNames ?? []).map((d) => text('displayName', d)),
      ...(v.profileUrls ?? []).map((u) => text('profileUrl', u, 2083)),
      text('additionalInfo', describePerson(v, 'Child user')),
    ]),
  ]);
  const info = [
    input.additionalInfo ?? null,
    input.includeMedia ? null : 'No media files are attached: the provider has not enabled sending media; hashes of matched media are listed where known.',
    `Provider references: referral ${input.referralId}, case ${input.caseId}, decision ${input.decisionId}. Material preserved until ${input.retainUntil}.`,
  ]
    .filter((x): x is string => x !== null)
    .join('\n');
  const report: XmlNode = ['report', ordered(REPORT_ELEMENT_ORDER, [summary, chat, reporter, suspect, ...victims, text('additionalInfo', info)])];
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n${render(report, '')}\n`;

  const fileDetails = (input.includeMedia ? (input.files ?? []) : []).map((f) => {
    const node: XmlNode = [
      'fileDetails',
      ordered(FILE_DETAILS_ORDER, [
        // NCMEC assigns reportId and fileId on submission and upload; placeholders until then.
        text('reportId', '{reportId}'),
        text('fileId', '{fileId}'),
        text('originalFileName', f.originalFileName, 2056),
        text('locationOfFile', f.locationOfFile, 2083),
        text('fileViewedByEsp', f.fileViewedByEsp),
        text('publiclyAvailable', f.publiclyAvailable),
        text('fileRelevance', f.relevance),
        annotationsNode(f),
        // Only a Reported file may carry an industry classification.
        f.relevance === 'Reported' ? text('industryClassification', f.classification) : null,
        ...f.hashes.map((h): XmlNode => ['originalFileHash', h.value, { hashType: h.hashType }]),
      ]),
    ];
    return { evidenceId: f.evidenceId, xml: `<?xml version="1.0" encoding="UTF-8"?>\n${render(node, '')}\n` };
  });
  return { xml, fileDetails, missing };
}

/** A Supplemental Reported file may not carry the potentialMeme flag. */
function annotationsNode(f: ReferralFile): XmlNode | null {
  const flags = (f.annotations ?? []).filter((a) => f.relevance === 'Reported' || a !== 'potentialMeme');
  return flags.length > 0 ? ['fileAnnotations', flags.map((a): XmlNode => [a, 'true'])] : null;
}

/** Normalises a hash-signal name to NCMEC's hashType vocabulary (INTEROP.md §3.2). */
export function ncmecHashType(signalType: string): string {
  const t = signalType.toLowerCase();
  if (t === 'video_md5' || t === 'md5') return 'MD5';
  if (t === 'sha1') return 'SHA1';
  if (t === 'video_sha256' || t === 'sha256') return 'SHA256';
  return t.toUpperCase();
}

/** The UK variant: Safeguard's JSON for a report to the National Crime Agency (OSA s.66–70). */
export function buildNcaReport(input: ReferralInput): Record<string, unknown> {
  const incidentAt = input.incidentAt.getTime() > input.now.getTime() ? input.now : input.incidentAt;
  const person = (p: ReferralPerson): Record<string, unknown> => ({
    platformUserId: p.espIdentifier,
    screenName: p.screenName ?? null,
    ageBand: p.ageBand ?? 'unknown',
    age: p.age ?? null,
    jurisdiction: p.jurisdiction ?? null,
  });
  return {
    format: 'safeguard.uk-nca-csea-report',
    version: 1,
    legalBasis: 'Online Safety Act 2023 s.66 (reporting detected, unreported UK-linked CSEA content to the NCA)',
    reportingService: { name: input.platform, service: input.espService, contact: { ...input.reporter } },
    ukLink: { grounds: [...(input.ukLink ?? [])], definition: 'Online Safety Act 2023 s.70' },
    incident: {
      type: input.incidentType,
      annotations: [...new Set(input.annotations)],
      occurredAt: incidentAt.toISOString(),
      detectedAt: input.detectedAt,
      detectedBy: [...input.detectedBy],
      urgent: Boolean(input.escalateToHighPriority),
      urgentReason: input.escalateToHighPriority ?? null,
      description: input.incidentDescription ?? null,
    },
    suspect: { ...person(input.suspect), priorReports: [...(input.suspect.priorCTReports ?? [])] },
    victims: input.victims.map(person),
    content: {
      conversation: input.chat
        ? { client: input.chat.chatClient, room: input.chat.chatRoomName ?? null, messages: input.chat.messages.map((m) => ({ ...m })) }
        : null,
      media: input.includeMedia
        ? (input.files ?? []).map((f) => ({ evidenceId: f.evidenceId, hashes: f.hashes, classification: f.classification ?? null, viewedByProvider: f.fileViewedByEsp }))
        : [],
      mediaIncluded: input.includeMedia,
    },
    preservation: { retainUntil: input.retainUntil },
    references: { referralId: input.referralId, caseId: input.caseId, decisionId: input.decisionId },
    additionalInfo: input.additionalInfo ?? null,
  };
}
