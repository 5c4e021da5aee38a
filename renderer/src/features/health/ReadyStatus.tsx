import { useEffect, useState } from 'react';
import { fetchReadiness, type Readiness } from './readiness';

const LABELS: Record<Readiness | 'checking', string> = {
  checking: 'Checking the server…',
  ready: 'Server ready',
  not_ready: 'Server not ready',
  unreachable: 'Server not ready (unreachable)',
};

export function ReadyStatus() {
  const [state, setState] = useState<Readiness | 'checking'>('checking');
  useEffect(() => {
    const controller = new AbortController();
    fetchReadiness(controller.signal).then(setState, () => undefined);
    return () => controller.abort();
  }, []);
  return (
    <p role="status" className={`status status-${state}`}>
      {LABELS[state]}
    </p>
  );
}
