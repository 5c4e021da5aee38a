import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown, safeUrl } from './Markdown';

const render = (source: string) => renderToStaticMarkup(<Markdown source={source} />);

describe('Markdown', () => {
  it('renders the markdown a postmortem uses', () => {
    const html = render('# Root cause\n\nThe **disk** filled.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n`df -h`');
    expect(html).toContain('<h1>Root cause</h1>');
    expect(html).toContain('<strong>disk</strong>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('<table>');
    expect(html).toContain('<code>df -h</code>');
  });

  it('drops raw HTML instead of rendering it', () => {
    const html = render('before <script>alert(1)</script> <img src=x onerror=alert(2)> after\n\n<div onclick="x()">block</div>');
    expect(html).not.toMatch(/<script|<img|onerror|onclick|<div onclick/);
    expect(html).toContain('before');
    expect(html).toContain('after');
  });

  it('keeps http, https and mailto links and neutralizes every other scheme', () => {
    const html = render('[a](https://example.com/x) [b](mailto:ops@example.com) [c](javascript:alert(1)) [d](data:text/html,hi) [e](/relative) [f](vbscript:x)');
    expect(html).toContain('href="https://example.com/x"');
    expect(html).toContain('href="mailto:ops@example.com"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
    expect(html).not.toMatch(/javascript:|data:|vbscript:|href="\/relative"/);
    expect(html.match(/<a /g)).toHaveLength(2);
    for (const text of ['c', 'd', 'e', 'f']) expect(html).toContain(`<span class="md-unsafe-link">${text}</span>`);
  });

  it('shows an image as a link, never loads it', () => {
    const html = render('![graph](https://grafana.example.com/a.png) ![x](javascript:alert(1))');
    expect(html).not.toContain('<img');
    expect(html).toContain('<a href="https://grafana.example.com/a.png"');
    expect(html).toContain('[image: graph]');
    expect(html).not.toContain('javascript:');
  });

  it('safeUrl rejects obfuscated schemes', () => {
    expect(safeUrl(' JaVaScRiPt:alert(1)')).toBeNull();
    expect(safeUrl('java\tscript:alert(1)')).toBeNull();
    expect(safeUrl('HTTPS://Example.com')).toBe('https://example.com/');
  });
});
