import { ComingPanel } from '../../components/ComingPanel';
import type { Section } from './sections';

export function ComingSectionPage({ section }: { section: Section }) {
  if (!section.coming) return null;
  return <ComingPanel title={section.label} summary={section.coming.summary} planned={section.coming.planned} />;
}
