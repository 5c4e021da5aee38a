interface ComingPanelProps {
  title: string;
  summary: string;
  planned: readonly string[];
}

/** An honest placeholder: what this section will hold, and no invented data. */
export function ComingPanel({ title, summary, planned }: ComingPanelProps) {
  return (
    <section className="page" aria-labelledby="coming-title">
      <h1 id="coming-title">{title}</h1>
      <div className="coming" role="note" aria-label={`${title} is coming`}>
        <p className="coming-badge">Coming</p>
        <p>{summary}</p>
        <p>What will be here:</p>
        <ul>
          {planned.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      </div>
    </section>
  );
}
