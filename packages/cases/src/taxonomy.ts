/**
 * The report reason taxonomy. Every reason maps to one EU statement-of-reasons category (with its
 * keywords, from sor-enums.json), to a child-safety type where it is one, to a default severity for
 * triage, to the ground a decision will usually rest on (illegal content or the platform's terms),
 * and — for child sexual exploitation — to the CyberTipline incident type a referral will carry.
 *
 * Children report with the `childLabel` wording (plain words, a short list: rule ICU D2 asks for
 * minimal steps and the reading age of the youngest permitted user). Moderators see `label`.
 * Legal-ground texts are defaults a tenant can override; they name the usual instruments, not
 * legal advice for any one jurisdiction.
 */
import type { StatementCategory, StatementKeyword } from './sor/validate.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CHILD_SAFETY_TYPES = [
  'csam',
  'grooming',
  'sextortion',
  'trafficking',
  'obscene-material-to-child',
  'contact-risk',
  'self-harm',
  'bullying',
  'dangerous-challenge',
] as const;
export type ChildSafetyType = (typeof CHILD_SAFETY_TYPES)[number];

/** NCMEC CyberTipline incident types (REGULATION.md §7.2, XSD spelling). */
export const NCMEC_INCIDENT_TYPES = [
  'Child Pornography (possession, manufacture, and distribution)',
  'Child Sex Trafficking',
  'Child Sex Tourism',
  'Child Sexual Molestation',
  'Misleading Domain Name',
  'Misleading Words or Digital Images on the Internet',
  'Online Enticement of Children for Sexual Acts',
  'Unsolicited Obscene Material Sent to a Child',
] as const;
export type NcmecIncidentType = (typeof NCMEC_INCIDENT_TYPES)[number];

/** CyberTipline report annotations (presence flags in `incidentSummary/reportAnnotations`). */
export const NCMEC_REPORT_ANNOTATIONS = [
  'sextortion',
  'csamSolicitation',
  'minorToMinorInteraction',
  'spam',
  'sadisticOnlineExploitation',
  'informational',
] as const;
export type NcmecReportAnnotation = (typeof NCMEC_REPORT_ANNOTATIONS)[number];

export type DecisionBasis = 'illegal' | 'terms';

export interface ReportReason {
  readonly code: string;
  /** Moderator-facing name. */
  readonly label: string;
  /** Plain words for a child reporter; absent when the reason is not offered to children. */
  readonly childLabel?: string;
  /** One sentence, plain, for anyone choosing a reason. */
  readonly description: string;
  readonly childSafetyType: ChildSafetyType | null;
  readonly severity: Severity;
  readonly category: StatementCategory;
  readonly keywords: readonly StatementKeyword[];
  /** Text for category_specification_other when the keyword is KEYWORD_OTHER. */
  readonly keywordOther?: string;
  readonly categoryAddition?: readonly StatementCategory[];
  readonly basis: DecisionBasis;
  /** Default illegal_content_legal_ground (≤ 500 chars) when basis is 'illegal'. */
  readonly legalGround?: string;
  /** Set for child sexual exploitation: a confirmed case is reported to NCMEC (18 U.S.C. §2258A). */
  readonly ncmec?: { readonly incidentType: NcmecIncidentType; readonly annotations?: readonly NcmecReportAnnotation[] };
  /** Offered to child reporters, in this order. */
  readonly childOrder?: number;
}

const CSEA_EU = 'Directive 2011/93/EU on combating the sexual abuse and sexual exploitation of children, as transposed in national law';

export const REPORT_REASONS: readonly ReportReason[] = [
  {
    code: 'csam',
    label: 'Child sexual abuse material',
    childLabel: 'Someone shared sexual pictures or videos of a child',
    description: 'Sexual images or videos of someone under 18, real or made to look real.',
    childSafetyType: 'csam',
    severity: 'critical',
    category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
    keywords: ['KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL'],
    basis: 'illegal',
    legalGround: `Child sexual abuse material: ${CSEA_EU} (Art. 5); UK Protection of Children Act 1978 s.1; 18 U.S.C. §2252A.`,
    ncmec: { incidentType: 'Child Pornography (possession, manufacture, and distribution)' },
    childOrder: 4,
  },
  {
    code: 'csam-generated',
    label: 'Generated or altered child sexual abuse material',
    description: 'Sexual images of a child made or changed with AI or editing tools.',
    childSafetyType: 'csam',
    severity: 'critical',
    category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
    keywords: ['KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE'],
    basis: 'illegal',
    legalGround: `Child sexual abuse material, including generated imagery: ${CSEA_EU} (Art. 5); 18 U.S.C. §2252A.`,
    ncmec: { incidentType: 'Child Pornography (possession, manufacture, and distribution)' },
  },
  {
    code: 'grooming',
    label: 'Grooming or sexual enticement of a child',
    childLabel: 'Someone older is saying sexual things to me or asking me to keep secrets',
    description: 'An adult building trust with a child in order to abuse them: sexual talk, secrecy, gifts, asking to meet.',
    childSafetyType: 'grooming',
    severity: 'critical',
    category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
    keywords: ['KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS'],
    basis: 'illegal',
    legalGround: `Solicitation of children for sexual purposes: ${CSEA_EU} (Art. 6); UK Sexual Offences Act 2003 s.15A; 18 U.S.C. §2422(b).`,
    ncmec: { incidentType: 'Online Enticement of Children for Sexual Acts' },
    childOrder: 1,
  },
  {
    code: 'sextortion',
    label: 'Sexual extortion of a child',
    childLabel: 'Someone is threatening to share pictures of me unless I do what they say',
    description: 'Threats to share intimate images of a child unless they send more, pay or do something.',
    childSafetyType: 'sextortion',
    severity: 'critical',
    category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
    keywords: ['KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS'],
    categoryAddition: ['STATEMENT_CATEGORY_CYBER_VIOLENCE'],
    basis: 'illegal',
    legalGround: `Sexual coercion and exploitation of a child: ${CSEA_EU} (Arts. 3 and 6); 18 U.S.C. §2422(b).`,
    ncmec: { incidentType: 'Online Enticement of Children for Sexual Acts', annotations: ['sextortion'] },
    childOrder: 2,
  },
  {
    code: 'child-trafficking',
    label: 'Child sex trafficking',
    description: 'Selling, buying or arranging sexual exploitation of a child.',
    childSafetyType: 'trafficking',
    severity: 'critical',
    category: 'STATEMENT_CATEGORY_VIOLENCE',
    keywords: ['KEYWORD_HUMAN_TRAFFICKING'],
    categoryAddition: ['STATEMENT_CATEGORY_PROTECTION_OF_MINORS'],
    basis: 'illegal',
    legalGround: 'Trafficking of children for sexual exploitation: Directive 2011/36/EU Art. 2, as transposed in national law; 18 U.S.C. §1591.',
    ncmec: { incidentType: 'Child Sex Trafficking' },
  },
  {
    code: 'obscene-to-child',
    label: 'Sexual material sent to a child',
    childLabel: 'Someone sent me rude or sexual pictures or messages',
    description: 'Nude or sexual images or messages sent to someone under 18.',
    childSafetyType: 'obscene-material-to-child',
    severity: 'high',
    category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
    keywords: ['KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS'],
    basis: 'illegal',
    legalGround: `Sending sexual material to a child: ${CSEA_EU}; UK Sexual Offences Act 2003 s.66A; 18 U.S.C. §1470.`,
    ncmec: { incidentType: 'Unsolicited Obscene Material Sent to a Child' },
    childOrder: 3,
  },
  {
    code: 'contact-risk',
    label: 'Risky contact with children',
    description: 'A pattern of contact with many children or with large age gaps, found by safety systems.',
    childSafetyType: 'contact-risk',
    severity: 'high',
    category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
    keywords: ['KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS'],
    basis: 'terms',
  },
  {
    code: 'self-harm',
    label: 'Suicide or self-harm',
    childLabel: 'Someone might hurt themselves, or is telling people to hurt themselves',
    description: 'Someone at risk of hurting themselves, or content encouraging suicide or self-harm.',
    childSafetyType: 'self-harm',
    severity: 'high',
    category: 'STATEMENT_CATEGORY_SELF_HARM',
    keywords: ['KEYWORD_SELF_MUTILATION', 'KEYWORD_SUICIDE'],
    basis: 'terms',
    childOrder: 6,
  },
  {
    code: 'eating-disorder',
    label: 'Promoting eating disorders',
    description: 'Content encouraging starving, purging or other eating-disorder behaviour.',
    childSafetyType: 'self-harm',
    severity: 'medium',
    category: 'STATEMENT_CATEGORY_SELF_HARM',
    keywords: ['KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS'],
    basis: 'terms',
  },
  {
    code: 'bullying',
    label: 'Bullying or harassment',
    childLabel: 'Someone is being mean to me or scaring me',
    description: 'Repeated unkind, threatening or humiliating messages or posts.',
    childSafetyType: 'bullying',
    severity: 'medium',
    category: 'STATEMENT_CATEGORY_CYBER_VIOLENCE',
    keywords: ['KEYWORD_CYBER_BULLYING_INTIMIDATION', 'KEYWORD_CYBER_HARASSMENT'],
    basis: 'terms',
    childOrder: 5,
  },
  {
    code: 'stalking',
    label: 'Stalking',
    description: 'Following, watching or contacting someone again and again against their wishes.',
    childSafetyType: null,
    severity: 'medium',
    category: 'STATEMENT_CATEGORY_CYBER_VIOLENCE',
    keywords: ['KEYWORD_CYBER_STALKING'],
    basis: 'terms',
  },
  {
    code: 'intimate-image-abuse',
    label: 'Sharing intimate images without consent (adults)',
    description: 'Nude or sexual images of an adult shared without their consent.',
    childSafetyType: null,
    severity: 'high',
    category: 'STATEMENT_CATEGORY_CYBER_VIOLENCE',
    keywords: ['KEYWORD_NON_CONSENSUAL_IMAGE_SHARING'],
    basis: 'illegal',
    legalGround: 'Non-consensual sharing of intimate material: Directive (EU) 2024/1385 Art. 5, as transposed in national law.',
  },
  {
    code: 'dangerous-challenge',
    label: 'Dangerous challenges',
    childLabel: 'A dangerous challenge or dare',
    description: 'Challenges or dares that could get someone hurt.',
    childSafetyType: 'dangerous-challenge',
    severity: 'medium',
    category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
    keywords: ['KEYWORD_UNSAFE_CHALLENGES'],
    basis: 'terms',
    childOrder: 7,
  },
  {
    code: 'violent-threat',
    label: 'Threats of violence',
    description: 'Threats to hurt or kill someone, or calls for violence.',
    childSafetyType: null,
    severity: 'high',
    category: 'STATEMENT_CATEGORY_VIOLENCE',
    keywords: ['KEYWORD_INCITEMENT_VIOLENCE_HATRED'],
    basis: 'terms',
  },
  {
    code: 'hate',
    label: 'Hate speech',
    description: 'Attacks on people because of who they are: race, religion, disability, sexuality, gender and similar.',
    childSafetyType: null,
    severity: 'medium',
    category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
    keywords: ['KEYWORD_HATE_SPEECH'],
    basis: 'terms',
  },
  {
    code: 'terrorism',
    label: 'Terrorist content',
    description: 'Content that promotes or supports terrorism.',
    childSafetyType: null,
    severity: 'high',
    category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
    keywords: ['KEYWORD_TERRORIST_CONTENT'],
    basis: 'illegal',
    legalGround: 'Terrorist content: Regulation (EU) 2021/784 and Directive (EU) 2017/541, as applicable.',
  },
  {
    code: 'adult-content',
    label: 'Adult sexual content',
    childLabel: 'Rude or grown-up pictures or videos',
    description: 'Sexual content involving adults where the terms do not allow it.',
    childSafetyType: null,
    severity: 'low',
    category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
    keywords: ['KEYWORD_ADULT_SEXUAL_MATERIAL'],
    basis: 'terms',
    childOrder: 8,
  },
  {
    code: 'nudity',
    label: 'Nudity',
    description: 'Nudity where the terms do not allow it.',
    childSafetyType: null,
    severity: 'low',
    category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
    keywords: ['KEYWORD_NUDITY'],
    basis: 'terms',
  },
  {
    code: 'impersonation',
    label: 'Impersonation or fake account',
    childLabel: 'Someone is pretending to be someone else',
    description: 'An account pretending to be another person, or lying about who they are.',
    childSafetyType: null,
    severity: 'low',
    category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
    keywords: ['KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING'],
    basis: 'terms',
    childOrder: 9,
  },
  {
    code: 'scam',
    label: 'Scam or fraud',
    description: 'Tricks to take money, passwords or personal details.',
    childSafetyType: null,
    severity: 'low',
    category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
    keywords: ['KEYWORD_PHISHING'],
    basis: 'terms',
  },
  {
    code: 'spam',
    label: 'Spam',
    description: 'Unwanted repeated or bulk messages.',
    childSafetyType: null,
    severity: 'low',
    category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
    keywords: ['KEYWORD_OTHER'],
    keywordOther: 'Spam',
    basis: 'terms',
  },
  {
    code: 'hash-match',
    label: 'Match to a list of known harmful media',
    description: 'An image or video matched a hash list of known harmful media.',
    childSafetyType: null,
    severity: 'high',
    category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
    keywords: ['KEYWORD_OTHER'],
    keywordOther: 'Match to a hash list of known harmful media',
    basis: 'terms',
  },
  {
    code: 'other',
    label: 'Something else',
    childLabel: 'Something else is wrong',
    description: 'Anything not listed. Say what happened in your own words.',
    childSafetyType: null,
    severity: 'low',
    category: 'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE',
    keywords: [],
    basis: 'terms',
    childOrder: 10,
  },
];

const BY_CODE = new Map(REPORT_REASONS.map((r) => [r.code, r]));

export const REASON_CODES = REPORT_REASONS.map((r) => r.code);

export function reasonFor(code: string): ReportReason | undefined {
  return BY_CODE.get(code);
}

/** The reason for a code, or 'other' (unspecified notice) for unknown or missing codes. */
export function reasonOrOther(code: string | null | undefined): ReportReason {
  return (code ? BY_CODE.get(code) : undefined) ?? (BY_CODE.get('other') as ReportReason);
}

/** The short list offered to child reporters, in order, with plain wording. */
export function childReasons(): { code: string; label: string }[] {
  return REPORT_REASONS.filter((r) => r.childLabel !== undefined && r.childOrder !== undefined)
    .sort((a, b) => (a.childOrder ?? 0) - (b.childOrder ?? 0))
    .map((r) => ({ code: r.code, label: r.childLabel as string }));
}

/** Reasons that are child sexual exploitation (reportable to NCMEC / the NCA once confirmed). */
export function isCsea(reason: ReportReason): boolean {
  return reason.ncmec !== undefined;
}
