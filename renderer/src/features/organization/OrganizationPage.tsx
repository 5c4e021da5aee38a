import type { FormEvent } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { OrgSettingsForm } from './OrgSettingsForm';
import { useOrganization, useOrgSettings, useRenameOrganization } from './queries';

export function OrganizationPage() {
  const org = useOrganization();
  const settings = useOrgSettings();
  const rename = useRenameOrganization();

  const submitName = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    rename.mutate(String(new FormData(event.currentTarget).get('name')).trim());
  };

  return (
    <section aria-labelledby="org-title">
      <div className="page-header">
        <h2 id="org-title">Organization</h2>
      </div>
      <ErrorMessage error={org.error} />
      {org.data ? (
        <form className="form inline-form" onSubmit={submitName} aria-label="Rename organization">
          <Field key={org.data.updated_at} label="Organization name" name="name" defaultValue={org.data.name} required maxLength={200} />
          <button type="submit" className="primary" disabled={rename.isPending}>
            Rename
          </button>
          {rename.isSuccess ? <p role="status">Renamed.</p> : null}
        </form>
      ) : null}
      <ErrorMessage error={rename.error} />
      <h3>Settings</h3>
      <ErrorMessage error={settings.error} />
      {settings.data ? <OrgSettingsForm key={JSON.stringify(settings.data)} settings={settings.data} /> : null}
    </section>
  );
}
