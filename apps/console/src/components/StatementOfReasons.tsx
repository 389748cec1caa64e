/**
 * A statement of reasons (EU Transparency Database shape, sor.schema.json) in readable form: each
 * field with a plain label and its value, enum codes shown as words with the code beside them,
 * and the exact JSON the server will store, for checking.
 */
import type { ReactNode } from 'react';
import type { StatementOfReasons as Sor } from '../api/types';
import { humanize } from '../format';

const LABELS: Readonly<Record<string, string>> = {
  decision_visibility: 'Content restriction',
  decision_visibility_other: 'Content restriction (other)',
  end_date_visibility_restriction: 'Content restriction ends',
  decision_monetary: 'Monetary restriction',
  end_date_monetary_restriction: 'Monetary restriction ends',
  decision_provision: 'Service restriction',
  end_date_service_restriction: 'Service restriction ends',
  decision_account: 'Account restriction',
  end_date_account_restriction: 'Account restriction ends',
  account_type: 'Account type',
  decision_ground: 'Ground',
  decision_ground_reference_url: 'Ground reference',
  illegal_content_legal_ground: 'Legal ground',
  illegal_content_explanation: 'Why the content is illegal',
  incompatible_content_ground: 'Terms ground',
  incompatible_content_explanation: 'Why it is incompatible with the terms',
  incompatible_content_illegal: 'Also illegal',
  category: 'Category',
  category_addition: 'Other categories',
  category_specification: 'Keywords',
  content_type: 'Content type',
  content_date: 'Content date',
  application_date: 'Applied on',
  decision_facts: 'Facts and circumstances',
  source_type: 'Source',
  source_identity: 'Source identity',
  automated_detection: 'Automated detection',
  automated_decision: 'Automated decision',
  territorial_scope: 'Territorial scope',
  puid: 'Platform unique id',
};

const PREFIXES = /^(DECISION_(VISIBILITY|MONETARY|PROVISION|ACCOUNT|GROUND)_|ACCOUNT_TYPE_|STATEMENT_CATEGORY_|KEYWORD_|CONTENT_TYPE_|SOURCE_|AUTOMATED_DECISION_)/;

function word(code: string): string {
  return /^[A-Z][A-Z0-9_]+$/.test(code) ? humanize(code.replace(PREFIXES, '')) : code;
}

function Value(props: { name: string; value: unknown }): ReactNode {
  const { name, value } = props;
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  if (Array.isArray(value)) {
    if (name === 'territorial_scope') {
      return (
        <span>
          {value.length} countries <span className="code">({value.join(', ')})</span>
        </span>
      );
    }
    return <span>{value.map((v) => word(String(v))).join(', ')}</span>;
  }
  if (typeof value === 'string' && /^[A-Z][A-Z0-9_]+$/.test(value)) {
    return (
      <span>
        {word(value)} <span className="code">{value}</span>
      </span>
    );
  }
  return <span>{typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value)}</span>;
}

export function StatementOfReasons(props: { statement: Sor; heading?: string; headingLevel?: 2 | 3 | 4 }): ReactNode {
  const entries = Object.entries(props.statement).filter(([, v]) => v !== null && v !== undefined);
  const Heading = `h${props.headingLevel ?? 3}` as 'h3';
  return (
    <div className="sor" data-testid="statement-of-reasons">
      <Heading>{props.heading ?? 'Statement of reasons'}</Heading>
      <dl className="sor-fields">
        {entries.map(([k, v]) => (
          <div key={k} className="sor-field" data-field={k}>
            <dt>{LABELS[k] ?? humanize(k)}</dt>
            <dd>
              <Value name={k} value={v} />
            </dd>
          </div>
        ))}
      </dl>
      <details>
        <summary>The statement as JSON (as stored and sent to the platform)</summary>
        <pre className="json">{JSON.stringify(props.statement, null, 2)}</pre>
      </details>
    </div>
  );
}
