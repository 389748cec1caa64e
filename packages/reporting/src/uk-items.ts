/**
 * UK Ofcom transparency items (OSA s.77 and Schedule 8 Part 1, plus the CSEA-reporting and
 * complaints duties) that Safeguard's data can answer. Ofcom specifies the binding list per service
 * in its notice; these are the paragraphs the computed figures speak to, each with the metrics that
 * answer it, and the ones the data cannot answer marked unsupported with the reason.
 */
import type { TransparencyReport, UkItem } from './report.js';

const sum = (values: Iterable<number>): number => {
  let s = 0;
  for (const v of values) s += v;
  return s;
};

export function ukItems(report: Omit<TransparencyReport, 'uk'>): UkItem[] {
  const { eu, childSafety: cs } = report;
  const own = eu.ownInitiative;
  const deniedF1 = (['DEF-01', 'DEF-02', 'DEF-03', 'DEF-04', 'DEF-05', 'DEF-06'] as const).map((r) => cs.interactions.deniedByRule[r] ?? 0);
  const grooming = cs.alerts.byKind.grooming;
  const contact = cs.alerts.byKind['contact-risk'];
  return [
    {
      id: 'sch8-para1',
      basis: 'OSA s.77, Sch 8 para 1',
      title: 'Incidence of illegal content and content harmful to children',
      supported: true,
      metrics: {
        measuresIllegalContent: own.illegal.total.measures_total,
        measuresTermsAndConditions: own.termsAndConditions.total.measures_total,
        decisionsAllSources: eu.decisions.total,
        ownInitiativeConcerningChildren: own.concerningChildren,
        protectionOfMinorsMeasures:
          own.illegal.byCategory.STATEMENT_CATEGORY_PROTECTION_OF_MINORS.measures_total +
          own.termsAndConditions.byCategory.STATEMENT_CATEGORY_PROTECTION_OF_MINORS.measures_total,
      },
      note: 'Content found and acted on, by category; incidence as prevalence (sampling) is not measured by Safeguard.',
    },
    {
      id: 'sch8-para2',
      basis: 'OSA s.77, Sch 8 para 2',
      title: 'Dissemination of such content',
      supported: false,
      metrics: {},
      note: 'Safeguard does not record views, shares or reach of content.',
    },
    {
      id: 'sch8-para3',
      basis: 'OSA s.77, Sch 8 para 3',
      title: 'Number of users assumed to have encountered such content',
      supported: false,
      metrics: {},
      note: 'Safeguard does not record exposure; the platform must estimate it.',
    },
    {
      id: 'sch8-para4',
      basis: 'OSA s.77, Sch 8 para 4',
      title: 'Application of the terms of service',
      supported: true,
      metrics: {
        measuresTermsAndConditions: own.termsAndConditions.total.measures_total,
        noticesActionedUnderTerms: eu.notices.total.actionsBasisTerms,
        suspensions: eu.suspensions.total,
      },
      note: 'Measures taken under the terms and conditions.',
    },
    {
      id: 'sch8-para5',
      basis: 'OSA s.77, Sch 8 para 5; s.20',
      title: 'Systems and processes for users to report content',
      supported: true,
      metrics: {
        reportsReceived: eu.notices.total.received,
        reportsConcerningChildren: eu.notices.concerningChildren,
        reportsPending: eu.notices.total.pending,
        medianHoursToAction: eu.notices.total.timeToAction.medianHours,
      },
      note: 'Reports (notices) received and how fast they were decided.',
    },
    {
      id: 'sch8-para6',
      basis: 'OSA s.77, Sch 8 para 6',
      title: 'Systems and processes to deal with such content, including takedown',
      supported: true,
      metrics: {
        contentRemoved: own.illegal.total.vis_removal + own.termsAndConditions.total.vis_removal,
        accountsSuspendedOrTerminated:
          own.illegal.total.acc_suspension + own.illegal.total.acc_termination + own.termsAndConditions.total.acc_suspension + own.termsAndConditions.total.acc_termination,
        hashMatches: cs.hashMatches.total,
        proactiveAlerts: cs.alerts.total,
        medianHoursToAction: eu.decisions.timeToAction.medianHours,
      },
      note: 'Restrictions applied, proactive detection (hash matching, alerts) and time to action.',
    },
    {
      id: 'sch8-para7',
      basis: 'OSA s.77, Sch 8 para 7',
      title: 'Functionalities that help users manage risk (child protections)',
      supported: true,
      metrics: {
        childAccounts: cs.defaults.childAccounts,
        childAccountsKeepingDefaults: cs.defaults.kept,
        childSettingChangesLoosened: cs.defaults.changesInPeriod.loosened,
        childSettingChangesTightened: cs.defaults.changesInPeriod.tightened,
        safetyPromptsShown: Object.values(cs.interactions.warnedByRule).reduce((a, b) => a + b, 0),
      },
      note: 'Protective defaults for child accounts and how many children kept them.',
    },
    {
      id: 'sch8-para8',
      basis: 'OSA s.77, Sch 8 para 8',
      title: 'Features that may contribute to risk of harm, and mitigations (grooming, contact)',
      supported: true,
      metrics: {
        groomingAlerts: grooming?.raised ?? 0,
        groomingAlertsConfirmed: grooming?.confirmed ?? 0,
        groomingMedianHoursToAction: grooming?.timeToAction.medianHours ?? null,
        contactRiskAlerts: contact?.raised ?? 0,
        strangerMessagesToChildrenDenied: cs.interactions.deniedByRule['DEF-05'] ?? 0,
      },
      note: 'Grooming and contact-risk detection, and unsolicited contact refused by default.',
    },
    {
      id: 'sch8-para9',
      basis: 'OSA s.77, Sch 8 para 9',
      title: 'Design and operation of algorithms',
      supported: false,
      metrics: {},
      note: 'Recommender systems are the platform’s; Safeguard only decides whether children may be suggested (DEF-01/02).',
    },
    {
      id: 'sch8-para10',
      basis: 'OSA s.77, Sch 8 para 10; ICU F1, F2',
      title: 'Code of practice measures taken (ICU F1 safety defaults for child users)',
      supported: true,
      metrics: {
        interactionsDeniedByF1Defaults: sum(deniedF1),
        'DEF-01': deniedF1[0] ?? 0,
        'DEF-02': deniedF1[1] ?? 0,
        'DEF-03': deniedF1[2] ?? 0,
        'DEF-04': deniedF1[3] ?? 0,
        'DEF-05': deniedF1[4] ?? 0,
        'DEF-06': deniedF1[5] ?? 0,
        'DEF-13 prompts (ICU F2)': cs.interactions.warnedByRule['DEF-13'] ?? 0,
      },
      note: 'Interactions the F1 defaults refused, by rule; F2 support prompts shown.',
    },
    {
      id: 'osa-s66',
      basis: 'OSA s.66-70; 18 USC 2258A',
      title: 'CSEA content reported to the NCA (and NCMEC)',
      supported: true,
      metrics: {
        referralsToNca: cs.referrals.byAgency.NCA,
        referralsToNcmec: cs.referrals.byAgency.NCMEC,
        referralsFailed: cs.referrals.failed,
        medianHoursFromDetection: cs.referrals.timeFromDetection.medianHours,
      },
      note: 'Reports made to law enforcement and clearing houses.',
    },
    {
      id: 'osa-s21',
      basis: 'OSA s.21; ICU/PCU D8-D12',
      title: 'Complaints and appeals',
      supported: true,
      metrics: {
        complaintsReceived: eu.complaints.received,
        complaintsDecided: eu.complaints.received - eu.complaints.pending,
        decisionsReversed: eu.complaints.reversed + eu.complaints.partiallyReversed,
        ageAssessmentAppeals: eu.complaints.byKind.AGE_ASSESSMENT_APPEAL,
        medianHoursToDecide: eu.complaints.decisionTime.medianHours,
      },
      note: 'Complaints handled, including appeals against age assessments (PCU D11/D12).',
    },
    {
      id: 'age-assurance',
      basis: 'OSA s.12; PCU B1-B5',
      title: 'Age assurance',
      supported: true,
      metrics: {
        accounts: cs.accounts.total,
        childAccounts: cs.accounts.treatedAsChild,
        unknownAgeTreatedAsChild: cs.accounts.byBand.unknown,
        highlyEffectiveAssuranceAdults: cs.accounts.highlyEffectiveAssurance.adults,
        highlyEffectiveAssuranceChildren: cs.accounts.highlyEffectiveAssurance.children,
      },
      note: 'Accounts by age band and assurance method (see childSafety.accounts).',
    },
  ];
}
