import { useState, type FormEvent } from 'react';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useServiceOptions } from '../services/queries';
import { usePatchIncident, type IncidentDetail } from './queries';

/** Chooses the affected services; the incident's impact applies to each of them. */
export function LinkServicesDialog({ incident, onClose }: { incident: IncidentDetail; onClose: () => void }) {
  const services = useServiceOptions();
  const patch = usePatchIncident(incident.id);
  const [chosen, setChosen] = useState(() => new Set(incident.service_ids));
  const toggle = (id: string, on: boolean) =>
    setChosen((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    patch.mutate({ service_ids: [...chosen] }, { onSuccess: onClose });
  };
  return (
    <Dialog title="Affected services" onClose={onClose}>
      <form className="form" onSubmit={submit}>
        {services.length === 0 ? (
          <p>No services yet. Add them on the Services page.</p>
        ) : (
          <fieldset className="scopes">
            <legend>Services</legend>
            {services.map((service) => (
              <label key={service.value} className="check">
                <input type="checkbox" checked={chosen.has(service.value)} onChange={(event) => toggle(service.value, event.target.checked)} />
                <span>{service.label}</span>
              </label>
            ))}
          </fieldset>
        )}
        <ErrorMessage error={patch.error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={patch.isPending}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
