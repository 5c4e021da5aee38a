import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import './Markdown.css';

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** Keeps only absolute http, https and mailto links; anything else (javascript:, data:, relative) is dropped. */
export function safeUrl(url: string): string | null {
  try {
    const parsed = new URL(url.trim());
    return SAFE_PROTOCOLS.has(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

const components: Components = {
  a: ({ href, children }) => {
    const safe = href ? safeUrl(href) : null;
    return safe ? (
      <a href={safe} target="_blank" rel="noopener noreferrer nofollow">
        {children}
      </a>
    ) : (
      <span className="md-unsafe-link">{children}</span>
    );
  },
  // The console's CSP loads nothing from other hosts; an image becomes a link to it instead.
  img: ({ src, alt }) => {
    const safe = typeof src === 'string' ? safeUrl(src) : null;
    const text = `[image${alt ? `: ${alt}` : ''}]`;
    return safe ? (
      <a href={safe} target="_blank" rel="noopener noreferrer nofollow">
        {text}
      </a>
    ) : (
      <span>{text}</span>
    );
  },
};

/**
 * Markdown as React elements, never as HTML: raw HTML in the source is dropped (not escaped into the
 * page, not rendered), and only http, https and mailto links survive.
 */
export function Markdown({ source, className }: { source: string; className?: string }) {
  return (
    <div className={['markdown', className].filter(Boolean).join(' ')}>
      <ReactMarkdown remarkPlugins={[remarkGfm]} skipHtml urlTransform={(url) => safeUrl(url)} components={components}>
        {source}
      </ReactMarkdown>
    </div>
  );
}
