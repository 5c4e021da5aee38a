import { isMap, isScalar, isSeq, parseDocument, stringify, type Node as YamlNode } from 'yaml';
import {
  DEFAULT_COMMAND_TIMEOUT, DEFAULT_HTTP_TIMEOUT, ENV_NAME_PATTERN, HTTP_METHODS, RESERVED_ENV_PREFIX, SECRET_NAME_PATTERN, STEP_ID_PATTERN,
  VARIABLE_NAME_PATTERN, WAIT_CONDITIONS,
  type CommandSpec, type HttpMethod, type HttpSpec, type Interpreter, type ProcedureDraft, type ProcedureDraftInput, type SecretRef, type Step,
  type Variable, type WaitCondition, type WaitSpec,
} from './procedures.schemas';

/**
 * A runbook as a Markdown file, for export and import:
 *
 *   ---                                  YAML front matter: title, description, tags, services (ids),
 *   title: PgBouncer down                alert_labels, variables
 *   ---
 *
 *   ## Check the dashboards {#check}     each `## Heading` is a step; the text under it its instructions
 *
 *   ## Restart it
 *
 *   ```bash {id=restart timeout=60 env.PGPASSWORD=secret:pg_password}
 *   systemctl restart pgbouncer          the step's last unindented block in bash, sh, python3, node,
 *   ```                                  http or wait defines it; other code blocks stay instructions
 *
 * Escapes, so that any procedure survives the trip: a manual step whose instructions hold such a block
 * carries `kind=manual` in its heading's braces; a `##` line inside instructions is written `\##`; an
 * attribute value that is not a plain word is a JSON string; a literal header value starting with
 * `secret:` or `\` gets a leading `\`. The file never carries a secret's value, only its name.
 */

const STEP_ID = new RegExp(STEP_ID_PATTERN);
const VARIABLE_NAME = new RegExp(VARIABLE_NAME_PATTERN);
const ENV_NAME = new RegExp(ENV_NAME_PATTERN);
const SECRET_NAME = new RegExp(SECRET_NAME_PATTERN);

type MaybeSecret = string | SecretRef;

/** A step as a file gives it: without an id the service numbers it `step-N`. */
export type MarkdownStep = Omit<Step, 'id'> & { id?: string };
/** The writable fields of a procedure, every default filled in: what parsing returns. */
export type MarkdownProcedureDraft = Omit<ProcedureDraft, 'steps'> & { steps: MarkdownStep[] };

export interface MarkdownError { line: number; message: string }
export type ParseProcedureResult = { ok: true; procedure: MarkdownProcedureDraft } | { ok: false; errors: MarkdownError[] };

const LANGUAGES: Record<string, Interpreter | 'http' | 'wait'> = {
  bash: 'bash', sh: 'sh', python3: 'python3', node: 'node',
  python: 'python3', shell: 'bash', console: 'bash',
  http: 'http', wait: 'wait',
};

const normalizeText = (text: string): string => text.replace(/\r\n?/g, '\n');
/** Instructions without blank lines around them: the file's spacing is not part of the text. */
const normalizeInstructions = (text: string): string => normalizeText(text).replace(/^(?:[ \t]*\n)+/, '').trimEnd();
const normalizeTitle = (title: string): string => title.replace(/\s+/g, ' ').trim();

/** Fills every default, so that two drafts meaning the same thing compare equal. */
export function normalizeProcedureDraft(p: ProcedureDraftInput): MarkdownProcedureDraft {
  return {
    title: normalizeTitle(p.title),
    description: p.description ?? '',
    tags: [...(p.tags ?? [])],
    service_ids: [...(p.service_ids ?? [])],
    alert_labels: { ...(p.alert_labels ?? {}) },
    variables: (p.variables ?? []).map((v) => ({
      name: v.name, description: v.description ?? '', default: v.default ?? null, required: v.required ?? false,
    })),
    steps: (p.steps ?? []).map((s) => {
      const step: MarkdownStep = {
        kind: s.kind, title: normalizeTitle(s.title), instructions: normalizeInstructions(s.instructions ?? ''),
        command: null, http: null, wait: null,
      };
      if (s.id !== undefined) step.id = s.id;
      if (s.kind === 'command' && s.command) {
        const c = s.command;
        step.command = {
          interpreter: c.interpreter, script: normalizeText(c.script), working_dir: c.working_dir ?? null,
          timeout_seconds: c.timeout_seconds ?? DEFAULT_COMMAND_TIMEOUT, expected_exit_code: c.expected_exit_code ?? 0,
          env: { ...(c.env ?? {}) },
        };
      } else if (s.kind === 'http' && s.http) {
        const h = s.http;
        step.http = {
          method: h.method ?? 'GET', url: h.url, headers: { ...(h.headers ?? {}) },
          body: h.body ? normalizeText(h.body) : null, expected_status: h.expected_status ?? null,
          body_contains: h.body_contains ?? null, timeout_seconds: h.timeout_seconds ?? DEFAULT_HTTP_TIMEOUT,
        };
      } else if (s.kind === 'wait' && s.wait) {
        step.wait = { seconds: s.wait.seconds ?? null, until: s.wait.until ?? null, timeout_seconds: s.wait.timeout_seconds ?? null };
      }
      return step;
    }),
  };
}

// ---------------------------------------------------------------------------------------------------
// Fenced code blocks, found the CommonMark way closely enough that a `##` inside a script never starts
// a step: a fence opens with 3+ backticks or tildes and closes with a line of at least as many.

interface Fence {
  open: number; // line index of the opening fence
  close: number; // line index of the closing fence
  indent: number;
  info: string;
}

const FENCE_OPEN = /^([ \t]*)(`{3,}|~{3,})(.*)$/;

function findFences(lines: string[], from: number, to: number): { fences: Fence[]; unclosed: number | null } {
  const fences: Fence[] = [];
  for (let i = from; i < to; i++) {
    const m = FENCE_OPEN.exec(lines[i]!);
    if (!m) continue;
    const marker = m[2]!;
    const info = m[3]!;
    if (marker[0] === '`' && info.includes('`')) continue; // inline code, not a fence
    const closing = new RegExp(`^[ \\t]*${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`);
    let close = -1;
    for (let j = i + 1; j < to; j++) {
      if (closing.test(lines[j]!)) {
        close = j;
        break;
      }
    }
    if (close < 0) return { fences, unclosed: i };
    fences.push({ open: i, close, indent: m[1]!.length, info: info.trim() });
    i = close;
  }
  return { fences, unclosed: null };
}

function fenceLanguage(info: string): { lang: string; rest: string } {
  const m = /^([^\s{]*)\s*(.*)$/.exec(info)!;
  return { lang: m[1]!.toLowerCase(), rest: m[2]!.trim() };
}

const definesStep = (f: Fence): boolean => f.indent === 0 && Object.hasOwn(LANGUAGES, fenceLanguage(f.info).lang);

/** Lines outside fences, by index; a heading-like line is only special there. */
function outsideFences(lines: string[], fences: Fence[], from: number, to: number): number[] {
  const out: number[] = [];
  let k = 0;
  for (let i = from; i < to; i++) {
    const f = fences[k];
    if (f && i >= f.open) {
      i = f.close;
      k++;
      continue;
    }
    out.push(i);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Attributes: `{#id kind=manual}` on headings, `{id=x timeout=60 env.A="two words"}` on fences.

interface Attribute { key: string; value: string; quoted: boolean }

function parseAttributes(src: string): Attribute[] | string {
  const attrs: Attribute[] = [];
  let i = 0;
  while (i < src.length) {
    if (/\s/.test(src[i]!)) {
      i++;
      continue;
    }
    if (src[i] === '#') {
      const m = /^#([^\s]*)/.exec(src.slice(i))!;
      attrs.push({ key: '#', value: m[1]!, quoted: false });
      i += m[0].length;
      continue;
    }
    const key = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(src.slice(i))?.[0];
    if (!key) return `unexpected "${src.slice(i, i + 10)}" in the attributes`;
    i += key.length;
    if (src[i] !== '=') return `attribute "${key}" needs a value (${key}=...)`;
    i++;
    if (src[i] === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) return `the value of "${key}" has no closing quote`;
      let value: unknown;
      try {
        value = JSON.parse(src.slice(i, j + 1));
      } catch {
        return `the value of "${key}" is not a valid quoted string`;
      }
      attrs.push({ key, value: value as string, quoted: true });
      i = j + 1;
    } else {
      const value = /^[^\s"]*/.exec(src.slice(i))![0];
      attrs.push({ key, value, quoted: false });
      i += value.length;
    }
  }
  return attrs;
}

const PLAIN_VALUE = /^[A-Za-z0-9_./:@%+,=-]+$/;
const renderValue = (value: string): string => (PLAIN_VALUE.test(value) && !value.startsWith('secret:') ? value : JSON.stringify(value));
const renderMaybeSecret = (value: MaybeSecret): string => (typeof value === 'string' ? renderValue(value) : `secret:${value.secret}`);

/** Splits `Title {#id kind=manual}` into the title and its attributes; braces that are not attributes stay in the title. */
function splitHeading(text: string): { title: string; attrs: Attribute[] | null } {
  const m = /^(.*?)\s*\{([^{}]*)\}$/.exec(text);
  if (m) {
    const attrs = parseAttributes(m[2]!);
    if (typeof attrs !== 'string' && attrs.every((a) => a.key === '#' || (a.key === 'kind' && !a.quoted))) {
      return { title: m[1]!, attrs };
    }
  }
  // CommonMark's optional closing sequence: `## Title ##`.
  return { title: text.replace(/(?:^|\s+)#+$/, ''), attrs: null };
}

// ---------------------------------------------------------------------------------------------------
// Rendering

const STEP_HEADING_LINE = /^( {0,3})(\\*)##(?=[ \t]|$)/;

function renderFence(lang: string, attrs: string[], content: string): string {
  const info = attrs.length ? `${lang} {${attrs.join(' ')}}` : lang;
  // A backtick fence's info string may not hold a backtick; a tilde fence's may.
  const char = info.includes('`') ? '~' : '`';
  const longest = Math.max(0, ...(content.match(char === '`' ? /`+/g : /~+/g) ?? []).map((run) => run.length));
  const fence = char.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${content}\n${fence}`;
}

function renderInstructions(text: string): string {
  if (!text) return '';
  const lines = text.split('\n');
  const { fences, unclosed } = findFences(lines, 0, lines.length);
  const plain = unclosed === null ? outsideFences(lines, fences, 0, lines.length) : lines.map((_, i) => i);
  for (const i of plain) lines[i] = lines[i]!.replace(STEP_HEADING_LINE, '$1\\$2##');
  return lines.join('\n');
}

function renderStep(step: MarkdownStep): string {
  const headingAttrs: string[] = [];
  const fenceAttrs: string[] = step.id !== undefined && step.kind !== 'manual' ? [`id=${step.id}`] : [];
  let block = '';
  if (step.kind === 'manual') {
    if (step.id !== undefined) headingAttrs.push(`#${step.id}`);
    const lines = step.instructions.split('\n');
    if (findFences(lines, 0, lines.length).fences.some(definesStep)) headingAttrs.push('kind=manual');
  } else if (step.kind === 'command' && step.command) {
    const c = step.command;
    if (c.timeout_seconds !== DEFAULT_COMMAND_TIMEOUT) fenceAttrs.push(`timeout=${c.timeout_seconds}`);
    if (c.expected_exit_code !== 0) fenceAttrs.push(`exit=${c.expected_exit_code}`);
    if (c.working_dir !== null) fenceAttrs.push(`cwd=${renderValue(c.working_dir)}`);
    for (const [name, value] of Object.entries(c.env)) fenceAttrs.push(`env.${name}=${renderMaybeSecret(value)}`);
    block = renderFence(c.interpreter, fenceAttrs, c.script);
  } else if (step.kind === 'http' && step.http) {
    const h = step.http;
    if (h.expected_status !== null) fenceAttrs.push(`status=${h.expected_status}`);
    if (h.body_contains !== null) fenceAttrs.push(`contains=${JSON.stringify(h.body_contains)}`);
    if (h.timeout_seconds !== DEFAULT_HTTP_TIMEOUT) fenceAttrs.push(`timeout=${h.timeout_seconds}`);
    const lines = [`${h.method} ${h.url}`];
    for (const [name, value] of Object.entries(h.headers)) {
      lines.push(`${name}: ${typeof value === 'string' ? (/^(secret:|\\)/.test(value) ? `\\${value}` : value) : `secret:${value.secret}`}`);
    }
    if (h.body !== null) lines.push('', h.body);
    block = renderFence('http', fenceAttrs, lines.join('\n'));
  } else if (step.kind === 'wait' && step.wait) {
    const w = step.wait;
    if (w.seconds !== null) fenceAttrs.push(`seconds=${w.seconds}`);
    if (w.until !== null) fenceAttrs.push(`until=${w.until}`);
    if (w.timeout_seconds !== null) fenceAttrs.push(`timeout=${w.timeout_seconds}`);
    block = renderFence('wait', fenceAttrs, '');
  }

  let heading = `## ${step.title}`;
  // An empty `{}` keeps a title that ends like attributes or a closing `#` sequence from losing them.
  if (headingAttrs.length) heading += ` {${headingAttrs.join(' ')}}`;
  else if (splitHeading(step.title).title !== step.title) heading += ' {}';
  return [heading, renderInstructions(step.instructions), block].filter(Boolean).join('\n\n');
}

export function renderProcedureMarkdown(input: ProcedureDraftInput): string {
  const p = normalizeProcedureDraft(input);
  const front: Record<string, unknown> = { title: p.title };
  if (p.description) front.description = p.description;
  if (p.tags.length) front.tags = p.tags;
  if (p.service_ids.length) front.services = p.service_ids;
  if (Object.keys(p.alert_labels).length) front.alert_labels = p.alert_labels;
  if (p.variables.length) {
    front.variables = p.variables.map((v) => ({
      name: v.name,
      ...(v.description ? { description: v.description } : {}),
      ...(v.default !== null ? { default: v.default } : {}),
      ...(v.required ? { required: true } : {}),
    }));
  }
  const parts = [`---\n${stringify(front, { lineWidth: 0 })}---`, ...p.steps.map(renderStep)];
  return `${parts.join('\n\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------
// Parsing

const FRONT_MATTER_KEYS = ['title', 'description', 'tags', 'services', 'alert_labels', 'variables'];

interface FrontMatter {
  /** Unreadable YAML: nothing in it is known, not even whether it has a title. */
  broken?: boolean;
  title?: string;
  description?: string;
  tags: string[];
  service_ids: string[];
  alert_labels: Record<string, string>;
  variables: Variable[];
}

function parseFrontMatter(text: string, firstLine: number, errors: MarkdownError[]): FrontMatter {
  const result: FrontMatter = { tags: [], service_ids: [], alert_labels: {}, variables: [] };
  const lineOf = (offset: number | undefined): number => firstLine + (text.slice(0, offset ?? 0).match(/\n/g)?.length ?? 0);
  const nodeLine = (node: YamlNode | null | undefined, fallback: number): number => (node?.range ? lineOf(node.range[0]) : fallback);
  const fail = (line: number, message: string): void => void errors.push({ line, message: `front matter: ${message}` });

  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    for (const e of doc.errors) fail(lineOf(e.pos[0]), e.message.split('\n')[0]!);
    return { ...result, broken: true };
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return result;
  if (!isMap(root)) {
    fail(nodeLine(root, firstLine), 'expected keys such as title: and tags:');
    return result;
  }

  /** A scalar as text; numbers and booleans keep their spelling (`default: 5432.0` is "5432.0"). */
  const text_ = (node: unknown, what: string, line: number): string | null | undefined => {
    if (node === null || node === undefined) return null;
    if (!isScalar(node)) {
      fail(nodeLine(node as YamlNode, line), `${what} must be text`);
      return undefined;
    }
    if (node.value === null) return null;
    if (typeof node.value === 'string') return node.value;
    return node.source ?? String(node.value);
  };
  const list = (node: unknown, what: string, line: number): string[] => {
    if (isScalar(node) && node.value === null) return [];
    if (!isSeq(node)) {
      fail(nodeLine(node as YamlNode, line), `${what} must be a list`);
      return [];
    }
    const out: string[] = [];
    for (const item of node.items) {
      const value = text_(item, `each of ${what}`, nodeLine(item as YamlNode, line));
      if (value) out.push(value);
      else if (value === null) fail(nodeLine(item as YamlNode, line), `${what} has an empty entry`);
    }
    return out;
  };

  for (const pair of root.items) {
    const keyNode = pair.key as YamlNode;
    const line = nodeLine(keyNode, firstLine);
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const value = pair.value;
    switch (key) {
      case 'title':
      case 'description': {
        const v = text_(value, key, line);
        if (v !== undefined) result[key] = v ?? '';
        break;
      }
      case 'tags':
        result.tags = list(value, 'tags', line);
        break;
      case 'services':
        result.service_ids = list(value, 'services', line);
        break;
      case 'alert_labels': {
        if (isScalar(value) && value.value === null) break;
        if (!isMap(value)) {
          fail(line, 'alert_labels must be label: value pairs (use "*" for any value)');
          break;
        }
        for (const labelPair of value.items) {
          const labelLine = nodeLine(labelPair.key as YamlNode, line);
          const name = text_(labelPair.key, 'a label name', labelLine);
          const labelValue = text_(labelPair.value, `label ${name}`, labelLine);
          if (!name) fail(labelLine, 'a label needs a name');
          else if (labelValue === null) fail(labelLine, `label ${name} needs a value (use "*" for any value)`);
          else if (labelValue !== undefined) result.alert_labels[name] = labelValue;
        }
        break;
      }
      case 'variables': {
        if (isScalar(value) && value.value === null) break;
        if (!isSeq(value)) {
          fail(line, 'variables must be a list of {name, description, default, required}');
          break;
        }
        const seen = new Set<string>();
        for (const item of value.items) {
          const itemLine = nodeLine(item as YamlNode, line);
          if (!isMap(item)) {
            fail(itemLine, 'each variable must have keys name, description, default, required');
            continue;
          }
          const variable: Variable = { name: '', description: '', default: null, required: false };
          for (const field of item.items) {
            const fieldLine = nodeLine(field.key as YamlNode, itemLine);
            const fieldName = isScalar(field.key) ? String(field.key.value) : '';
            if (fieldName === 'name' || fieldName === 'description') {
              variable[fieldName] = text_(field.value, `variable ${fieldName}`, fieldLine) ?? '';
            } else if (fieldName === 'default') {
              variable.default = text_(field.value, 'variable default', fieldLine) ?? null;
            } else if (fieldName === 'required') {
              if (isScalar(field.value) && typeof field.value.value === 'boolean') variable.required = field.value.value;
              else fail(fieldLine, 'required must be true or false');
            } else {
              fail(fieldLine, `unknown variable key "${fieldName}" (expected name, description, default, required)`);
            }
          }
          if (!VARIABLE_NAME.test(variable.name)) {
            fail(itemLine, `variable name "${variable.name}" must be lower case letters, digits and _ , starting with a letter`);
          } else if (seen.has(variable.name)) {
            fail(itemLine, `variable "${variable.name}" is declared twice`);
          }
          seen.add(variable.name);
          result.variables.push(variable);
        }
        break;
      }
      default:
        fail(line, `unknown key "${key}" (expected ${FRONT_MATTER_KEYS.join(', ')})`);
    }
  }
  return result;
}

function integer(attr: Attribute, min: number, max: number, fail: (message: string) => void): number | undefined {
  if (!/^-?\d+$/.test(attr.value) || Number(attr.value) < min || Number(attr.value) > max) {
    fail(`${attr.key} must be a whole number from ${min} to ${max}`);
    return undefined;
  }
  return Number(attr.value);
}

function parseMaybeSecret(raw: string, quoted: boolean, what: string, fail: (message: string) => void): MaybeSecret {
  if (quoted || !raw.startsWith('secret:')) return raw;
  const name = raw.slice('secret:'.length);
  if (!SECRET_NAME.test(name)) fail(`${what}: "${name}" is not a secret name (letters, digits, . _ -)`);
  return { secret: name };
}

interface StepSection { headingLine: number; text: string; bodyFrom: number; bodyTo: number }

function parseStep(lines: string[], section: StepSection, fences: Fence[], errors: MarkdownError[]): MarkdownStep {
  const headingLineNo = section.headingLine + 1;
  const failAt = (line: number) => (message: string): void => void errors.push({ line, message });
  const { title, attrs } = splitHeading(section.text);
  const step: MarkdownStep = { kind: 'manual', title: normalizeTitle(title), instructions: '', command: null, http: null, wait: null };
  if (!step.title) failAt(headingLineNo)('a step heading needs a title');
  else if (step.title.length > 200) failAt(headingLineNo)('a step title is at most 200 characters');

  let manual = false;
  for (const a of attrs ?? []) {
    if (a.key === '#') step.id = a.value;
    else if (a.value === 'manual') manual = true;
    else failAt(headingLineNo)(`kind=${a.value} is not a heading attribute: a code block sets the kind (only kind=manual goes here)`);
  }

  const defining = manual ? undefined : fences.filter(definesStep).at(-1);
  const instructionLines: string[] = [];
  const plain = new Set(outsideFences(lines, fences, section.bodyFrom, section.bodyTo));
  for (let i = section.bodyFrom; i < section.bodyTo; i++) {
    if (defining && i >= defining.open && i <= defining.close) {
      if (i === defining.open && instructionLines.length && instructionLines.at(-1)!.trim() !== '') instructionLines.push('');
      continue;
    }
    const line = lines[i]!;
    instructionLines.push(plain.has(i) ? line.replace(/^( {0,3})\\(\\*##)(?=[ \t]|$)/, '$1$2') : line);
  }
  step.instructions = normalizeInstructions(instructionLines.join('\n'));

  if (defining) {
    const fenceLine = defining.open + 1;
    const fail = failAt(fenceLine);
    const { lang, rest } = fenceLanguage(defining.info);
    const kind = LANGUAGES[lang]!;
    let parsed: Attribute[] = [];
    if (rest) {
      const inner = /^\{(.*)\}$/.exec(rest);
      const result = inner ? parseAttributes(inner[1]!) : `attributes go in braces: \`\`\`${lang} {id=... timeout=...}`;
      if (typeof result === 'string') fail(result);
      else parsed = result;
    }
    const content = lines.slice(defining.open + 1, defining.close);
    const seen = new Set<string>();
    const known = (names: string[]) => (a: Attribute): boolean => {
      if (seen.has(a.key)) {
        fail(`attribute "${a.key}" is given twice`);
        return false;
      }
      seen.add(a.key);
      if (a.key === 'id') {
        if (step.id !== undefined && step.id !== a.value) fail(`the block's id=${a.value} differs from the heading's #${step.id}`);
        step.id = a.value;
        return false;
      }
      if (names.includes(a.key) || (names.includes('env.') && a.key.startsWith('env.'))) return true;
      fail(`unknown attribute "${a.key}" on a ${lang} block (expected id, ${names.map((n) => (n === 'env.' ? 'env.NAME' : n)).join(', ')})`);
      return false;
    };

    if (kind === 'http') {
      step.kind = 'http';
      const http: HttpSpec = {
        method: 'GET', url: '', headers: {}, body: null, expected_status: null, body_contains: null, timeout_seconds: DEFAULT_HTTP_TIMEOUT,
      };
      for (const a of parsed.filter(known(['status', 'contains', 'timeout']))) {
        if (a.key === 'status') http.expected_status = integer(a, 100, 599, fail) ?? null;
        else if (a.key === 'contains') http.body_contains = a.value;
        else http.timeout_seconds = integer(a, 1, 300, fail) ?? DEFAULT_HTTP_TIMEOUT;
      }
      let i = content.findIndex((l) => l.trim() !== '');
      const request = i < 0 ? null : /^([A-Za-z]+)[ \t]+(\S+)[ \t]*$/.exec(content[i]!.trim());
      if (!request) {
        failAt(fenceLine + 1 + Math.max(i, 0))('an http block starts with the request line, e.g. GET https://example.com/health');
      } else {
        const method = request[1]!.toUpperCase();
        if (!(HTTP_METHODS as readonly string[]).includes(method)) failAt(fenceLine + 1 + i)(`method ${method} is not one of ${HTTP_METHODS.join(', ')}`);
        http.method = method as HttpMethod;
        http.url = request[2]!;
        for (i++; i < content.length && content[i]!.trim() !== ''; i++) {
          const header = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/.exec(content[i]!);
          const headerFail = failAt(fenceLine + 1 + i);
          if (!header) {
            headerFail('expected a header line "Name: value" (a blank line before the body)');
            continue;
          }
          const name = header[1]!;
          const raw = header[2]!;
          if (Object.keys(http.headers).some((n) => n.toLowerCase() === name.toLowerCase())) headerFail(`header ${name} is given twice`);
          http.headers[name] = raw.startsWith('\\') ? raw.slice(1) : parseMaybeSecret(raw, false, `header ${name}`, headerFail);
        }
        const body = content.slice(i + 1).join('\n');
        http.body = body === '' ? null : body;
      }
      step.http = http;
    } else if (kind === 'wait') {
      step.kind = 'wait';
      const wait: WaitSpec = { seconds: null, until: null, timeout_seconds: null };
      for (const a of parsed.filter(known(['seconds', 'until', 'timeout']))) {
        if (a.key === 'seconds') wait.seconds = integer(a, 1, 86400, fail) ?? null;
        else if (a.key === 'timeout') wait.timeout_seconds = integer(a, 1, 86400, fail) ?? null;
        else if ((WAIT_CONDITIONS as readonly string[]).includes(a.value)) wait.until = a.value as WaitCondition;
        else fail(`until must be one of ${WAIT_CONDITIONS.join(', ')}`);
      }
      const stray = content.findIndex((l) => l.trim() !== '');
      if (stray >= 0) failAt(fenceLine + 1 + stray)('a wait block takes its settings as attributes ({seconds=300 until=alerts_resolved}); leave it empty');
      if (wait.seconds === null && wait.until === null) fail('a wait block needs seconds=N or until=incident_resolved|alerts_resolved');
      step.wait = wait;
    } else {
      step.kind = 'command';
      const command: CommandSpec = {
        interpreter: kind, script: content.join('\n'), working_dir: null,
        timeout_seconds: DEFAULT_COMMAND_TIMEOUT, expected_exit_code: 0, env: {},
      };
      for (const a of parsed.filter(known(['timeout', 'exit', 'cwd', 'env.']))) {
        if (a.key === 'timeout') command.timeout_seconds = integer(a, 1, 86400, fail) ?? DEFAULT_COMMAND_TIMEOUT;
        else if (a.key === 'exit') command.expected_exit_code = integer(a, 0, 255, fail) ?? 0;
        else if (a.key === 'cwd') command.working_dir = a.value || null;
        else {
          const name = a.key.slice('env.'.length);
          if (!ENV_NAME.test(name)) fail(`env.${name}: a variable name is upper case letters, digits and _`);
          else if (name.startsWith(RESERVED_ENV_PREFIX)) fail(`env.${name}: ${RESERVED_ENV_PREFIX}* variables are set by the server`);
          command.env[name] = parseMaybeSecret(a.value, a.quoted, `env.${name}`, fail);
        }
      }
      if (!command.script.trim()) fail(`the ${lang} block is empty`);
      step.command = command;
    }
  }
  if (step.id !== undefined && !STEP_ID.test(step.id)) {
    failAt(headingLineNo)(`step id "${step.id}" must be lower case letters, digits, _ and -, starting with a letter or digit`);
  }
  return step;
}

export function parseProcedureMarkdown(source: string): ParseProcedureResult {
  const lines = normalizeText(source.replace(/^\uFEFF/, '')).split('\n');
  const errors: MarkdownError[] = [];

  let bodyFrom = 0;
  let front: FrontMatter = { tags: [], service_ids: [], alert_labels: {}, variables: [] };
  if (/^---[ \t]*$/.test(lines[0] ?? '')) {
    const end = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)[ \t]*$/.test(l));
    if (end < 0) return { ok: false, errors: [{ line: 1, message: 'the front matter opened here is never closed with ---' }] };
    front = parseFrontMatter(lines.slice(1, end).join('\n'), 2, errors);
    bodyFrom = end + 1;
  }

  const { fences, unclosed } = findFences(lines, bodyFrom, lines.length);
  if (unclosed !== null) {
    errors.push({ line: unclosed + 1, message: 'this code block is never closed (end it with a line of as many backticks)' });
    return { ok: false, errors };
  }

  // Steps start at `## ` lines outside code blocks; `###` and deeper stay in the instructions.
  const sections: StepSection[] = [];
  let preambleTo = lines.length;
  for (const i of outsideFences(lines, fences, bodyFrom, lines.length)) {
    const m = /^ {0,3}##(?=[ \t]|$)(.*)$/.exec(lines[i]!);
    if (!m) continue;
    if (sections.length) sections.at(-1)!.bodyTo = i;
    else preambleTo = i;
    sections.push({ headingLine: i, text: m[1]!.trim(), bodyFrom: i + 1, bodyTo: lines.length });
  }

  // Before the first step: an optional `# Title` and text, used where the front matter has none.
  let title = front.title;
  let description = front.description;
  const preamble = lines.slice(bodyFrom, preambleTo);
  const h1 = preamble.findIndex((l) => l.trim() !== '');
  const h1Match = h1 >= 0 ? /^ {0,3}#(?=[ \t]|$)(.*)$/.exec(preamble[h1]!) : null;
  if (h1Match) {
    const heading = normalizeTitle(splitHeading(h1Match[1]!.trim()).title);
    if (title === undefined || title === '') title = heading;
    else if (heading !== normalizeTitle(title)) {
      errors.push({ line: bodyFrom + h1 + 1, message: `the # heading "${heading}" differs from the front matter title "${title}": keep one` });
    }
    preamble.splice(h1, 1, '');
  }
  const intro = normalizeInstructions(preamble.join('\n'));
  if (intro) {
    if (description) {
      const at = preamble.findIndex((l) => l.trim() !== '');
      errors.push({ line: bodyFrom + at + 1, message: 'text before the first ## step: the front matter already has a description; move it there or under a step' });
    } else {
      description = intro;
    }
  }
  // Unreadable front matter may well hold the title: its own errors say enough.
  if (!front.broken && !title?.trim()) errors.push({ line: 1, message: 'the runbook needs a title: a "title:" in the front matter or a # heading' });
  else if (title && normalizeTitle(title).length > 200) errors.push({ line: 1, message: 'the title is at most 200 characters' });

  const steps: MarkdownStep[] = [];
  const ids = new Map<string, number>();
  for (const section of sections) {
    const sectionFences = fences.filter((f) => f.open >= section.bodyFrom && f.open < section.bodyTo);
    const step = parseStep(lines, section, sectionFences, errors);
    if (step.id !== undefined) {
      const first = ids.get(step.id);
      if (first !== undefined) errors.push({ line: section.headingLine + 1, message: `step id "${step.id}" is already used by the step on line ${first}` });
      else ids.set(step.id, section.headingLine + 1);
    }
    steps.push(step);
  }

  if (errors.length) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) };
  return {
    ok: true,
    procedure: {
      title: normalizeTitle(title!),
      description: description ?? '',
      tags: front.tags,
      service_ids: front.service_ids,
      alert_labels: front.alert_labels,
      variables: front.variables,
      steps,
    },
  };
}
