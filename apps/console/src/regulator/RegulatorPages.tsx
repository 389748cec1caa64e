/** Regulator pages (filled in as the regulator API lands). */
import type { ReactNode } from 'react';
import { Page } from '../components/Common';

export function RegulatorPages(): ReactNode {
  return (
    <Page title="Regulator">
      <p>Coming soon.</p>
    </Page>
  );
}
