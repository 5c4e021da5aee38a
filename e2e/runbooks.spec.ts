import { mkdirSync, readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import { ConsolePage } from './pages/console';
import { IncidentsPage } from './pages/incidents';
import { RunbooksPage } from './pages/runbooks';

const SCREENS = 'test-results/e2e/screens';
mkdirSync(SCREENS, { recursive: true });
const PASSWORD = 'correct horse battery staple';

test('a runbook written in the console is suggested on an incident, run step by step with live output, and lands on the timeline', async ({ page, nightshift }) => {
  const ui = new ConsolePage(page, SCREENS);
  const incidents = new IncidentsPage(page, SCREENS);
  const runbooks = new RunbooksPage(page, SCREENS);
  await ui.register({ name: 'Rita Oncall', email: 'rita@example.com', password: PASSWORD, organization: 'Pay Ops' });

  // The headless server keeps command steps off until an admin allows them.
  await ui.openSettings('Organization');
  await page.getByLabel('Allow runbook command steps to run on this host').check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  const login = await page.request.post(`${nightshift.api}/auth/login`, { data: { email: 'rita@example.com', password: PASSWORD } });
  const headers = { Authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}` };
  const settings = async () => ((await (await page.request.get(`${nightshift.api}/organization-settings`, { headers })).json()) as { allow_command_steps: boolean }).allow_command_steps;
  await expect.poll(settings).toBe(true);

  // An incident on a service; the runbook is linked to the same service.
  const service = (await (await page.request.post(`${nightshift.api}/services`, { headers, data: { name: 'Payments API' } })).json()) as { id: string };
  const created = await page.request.post(`${nightshift.api}/incidents`, { headers, data: { title: 'Payments failing; $(id) `whoami`', severity: 'high', service_ids: [service.id] } });
  expect(created.status()).toBe(201);
  const incident = (await created.json()) as { id: string };

  // Write it: a manual, a command and an HTTP step.
  await runbooks.openLibrary();
  await expect(page.getByText('No runbooks yet.')).toBeVisible();
  await page.getByRole('button', { name: 'New runbook' }).click();
  const form = page.getByRole('form', { name: 'Runbook' });
  await form.getByRole('region', { name: 'Details' }).getByLabel('Title').fill('Payments recovery');
  await form.getByLabel('Tags').fill('payments, db');
  await form.getByRole('group', { name: 'Services' }).getByLabel('Payments API').check();
  await runbooks.step(1).getByLabel('Title').fill('Look at the payments dashboard');
  await runbooks.step(1).getByLabel('Instructions (Markdown)').fill('Open the **payments** dashboard and note the error rate.');

  await runbooks.addStep('Command');
  await runbooks.step(2).getByLabel('Title').fill('Print the incident and wait');
  await runbooks.step(2).getByLabel('Step id').fill('print');
  await runbooks.typeInEditor('Script of step 2', 'echo "incident: $NIGHTSHIFT_INCIDENT_TITLE"\necho first\nsleep 2\necho second\n');
  await runbooks.addStep('HTTP check');
  await runbooks.step(3).getByLabel('Title').fill('Server health');
  await runbooks.step(3).getByLabel('URL').fill(`${nightshift.url}/health`);
  await runbooks.step(3).getByLabel('Expected status').fill('200');
  await runbooks.step(3).getByLabel('Body contains').fill('OK');
  await runbooks.shot('runbook-editor');
  await page.getByRole('button', { name: 'Create runbook' }).click();
  await expect(page.getByRole('heading', { name: 'Payments recovery', level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/runbooks\/[^/]+$/);

  // A second version, and the history compares the two.
  await runbooks.step(1).getByLabel('Title').fill('Look at the payments dashboard (Grafana)');
  await expect(page.getByText('Unsaved changes')).toBeVisible();
  await page.getByRole('button', { name: 'Save version…' }).click();
  const saving = page.getByRole('dialog', { name: 'Save a new version' });
  await saving.getByLabel('What changed').fill('Name the dashboard');
  await saving.getByRole('button', { name: 'Save version' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved version 2.' })).toBeVisible();
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByRole('table', { name: 'Versions' }).getByRole('row')).toHaveCount(3);
  await expect(page.getByRole('table', { name: 'Versions' })).toContainText('Name the dashboard');
  await expect(page.getByRole('group', { name: 'Version 1 compared with Version 2' })).toContainText('(Grafana)');
  await runbooks.shot('runbook-history');

  // The incident suggests it because of the service; starting it opens the execution.
  await page.goto(`/incidents/${incident.id}`);
  const suggested = page.getByRole('list', { name: 'Suggested runbooks' }).getByRole('listitem').filter({ hasText: 'Payments recovery' });
  await expect(suggested).toContainText('service: Payments API');
  await suggested.getByRole('button', { name: 'Start Payments recovery' }).click();
  await page.getByRole('dialog', { name: 'Start “Payments recovery”' }).getByRole('button', { name: 'Start execution' }).click();
  await expect(page).toHaveURL(/\/runbooks\/executions\/[^/]+$/);
  await expect(page.getByRole('heading', { name: 'Payments recovery', level: 1 })).toBeVisible();
  await expect(page.getByTestId('execution-status')).toHaveText('Running');

  // Keyboard: Enter completes the manual step, and the view moves on to the command.
  await expect(runbooks.stepOption('Look at the payments dashboard')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('region', { name: /Look at the payments dashboard/ })).toContainText('note the error rate');
  await runbooks.press('Enter');
  await expect(runbooks.stepOption('Look at the payments dashboard')).toContainText('Succeeded');
  await expect(runbooks.stepOption('Print the incident and wait')).toHaveAttribute('aria-selected', 'true');

  // One deliberate action runs the script; its output streams while it runs.
  await expect(page.getByRole('button', { name: 'Run the bash script on the server' })).toBeVisible();
  await runbooks.press('Enter');
  const output = page.getByRole('log', { name: 'Output of Print the incident and wait' });
  await expect(output).toContainText('first');
  await expect(runbooks.stepOption('Print the incident and wait')).toContainText('Running');
  await runbooks.shot('execution-live-output');
  await expect(output).toContainText('second');
  await expect(runbooks.stepOption('Print the incident and wait')).toContainText('Succeeded');
  // The incident's title reached the script as an environment value, not as shell code.
  await expect(output).toContainText('incident: Payments failing; $(id) `whoami`');

  // The HTTP step checks the server's own health; then the execution completes by itself.
  await runbooks.press('j');
  await expect(runbooks.stepOption('Server health')).toHaveAttribute('aria-selected', 'true');
  await runbooks.press('Enter');
  await expect(runbooks.stepOption('Server health')).toContainText('Succeeded');
  await expect(page.getByRole('log', { name: 'Output of Server health' })).toContainText('200');
  await expect(page.getByTestId('execution-status')).toHaveText('Completed');
  await runbooks.shot('execution-completed');

  // The incident shows the execution and its story on the timeline.
  await page.getByRole('link', { name: 'Back to the incident' }).click();
  await expect(page.getByRole('list', { name: 'Executions for this incident' })).toContainText('Completed');
  const timeline = incidents.timeline();
  await expect(timeline.getByRole('listitem').filter({ hasText: 'Runbook started' })).toHaveCount(1);
  await expect(timeline.getByRole('listitem').filter({ hasText: 'Runbook step' })).not.toHaveCount(0);
  await expect(timeline.getByRole('listitem').filter({ hasText: 'Runbook finished' })).toHaveCount(1);
  await incidents.shot('incident-runbook-timeline');
});

test('a runbook imported from Markdown exports again, and its execution skips with a reason, explains a refused command, retries a failed one and is cancelled', async ({ page, nightshift }) => {
  const ui = new ConsolePage(page, SCREENS);
  const runbooks = new RunbooksPage(page, SCREENS);
  await ui.register({ name: 'Ivo Import', email: 'ivo@example.com', password: PASSWORD, organization: 'Disk Ops' });

  // An admin keeps the secrets steps refer to; the value goes in and never comes back.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Secrets' }).click();
  await page.getByRole('button', { name: 'Add secret' }).click();
  const adding = page.getByRole('dialog', { name: 'Add secret' });
  await adding.getByLabel('Name').fill('pg_password');
  await adding.getByLabel('Value').fill('hunter2-very-secret');
  await adding.getByRole('button', { name: 'Save secret' }).click();
  await expect(page.getByRole('table', { name: 'Secrets' }).getByRole('row').filter({ hasText: 'pg_password' })).toHaveCount(1);
  await expect(page.getByText('hunter2-very-secret')).toHaveCount(0);

  await runbooks.openLibrary();
  const markdown = ['---', 'title: Disk cleanup', 'tags:', '  - disk', '---', '', '## Check the disk {#check}', '', 'Run `df -h` and look at **/var**.', '', '## Clean up', '', '```bash {id=clean timeout=30}', 'echo cleaning', 'exit 3', '```', ''].join('\n');
  await page.locator('input[type="file"]').setInputFiles({ name: 'disk-cleanup.md', mimeType: 'text/markdown', buffer: Buffer.from(markdown) });
  await expect(page.getByRole('heading', { name: 'Disk cleanup', level: 1 })).toBeVisible();
  await expect(runbooks.step(2).getByLabel('Step id')).toHaveValue('clean');

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export .md' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.md$/);
  const exported = readFileSync((await download.path())!, 'utf8');
  expect(exported).toContain('## Check the disk');
  expect(exported).toContain('exit 3');

  // The library lists it under its tag.
  await runbooks.openLibrary();
  await page.getByRole('form', { name: 'Runbook filters' }).getByLabel('Tag').selectOption('disk');
  await expect(page.getByRole('table', { name: 'Runbooks' }).getByRole('row').filter({ hasText: 'Disk cleanup' })).toHaveCount(1);
  await page.getByRole('table', { name: 'Runbooks' }).getByRole('link', { name: 'Disk cleanup' }).click();

  await page.getByRole('button', { name: 'Start execution' }).click();
  await page.getByRole('dialog', { name: 'Start “Disk cleanup”' }).getByRole('button', { name: 'Start execution' }).click();
  await expect(page).toHaveURL(/\/runbooks\/executions\/[^/]+$/);

  // s asks why, and the reason stays with the step.
  await runbooks.press('s');
  const skipping = page.getByRole('dialog', { name: 'Skip “Check the disk”?' });
  await skipping.getByLabel('Reason').fill('Disk usage is visible on the dashboard already');
  await skipping.getByRole('button', { name: 'Skip step' }).click();
  await expect(runbooks.stepOption('Check the disk')).toContainText('Skipped');
  await expect(runbooks.stepOption('Clean up')).toHaveAttribute('aria-selected', 'true');

  // Command steps are off on a headless server: the console says where to turn them on.
  await runbooks.press('Enter');
  const refused = page.locator('.runbook-error');
  await expect(refused).toContainText('COMMAND_STEPS_DISABLED');
  await expect(refused.getByRole('link', { name: 'Settings → Organization' })).toBeVisible();
  await runbooks.shot('execution-command-refused');

  const login = await page.request.post(`${nightshift.api}/auth/login`, { data: { email: 'ivo@example.com', password: PASSWORD } });
  const headers = { Authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}` };
  expect((await page.request.patch(`${nightshift.api}/organization-settings`, { headers, data: { allow_command_steps: true } })).status()).toBe(200);

  // Exit code 3 where 0 was expected: failed, with its output; r puts it back to pending.
  await runbooks.press('Enter');
  await expect(runbooks.stepOption('Clean up')).toContainText('Failed');
  await expect(page.getByRole('log', { name: 'Output of Clean up' })).toContainText('cleaning');
  await expect(page.getByRole('region', { name: /Clean up/ })).toContainText('exit code 3');
  await runbooks.press('r');
  await expect(runbooks.stepOption('Clean up')).toContainText('Pending');

  await page.getByRole('button', { name: 'Cancel execution' }).click();
  await page.getByRole('dialog', { name: 'Cancel this execution?' }).getByRole('button', { name: 'Cancel execution' }).click();
  await expect(page.getByTestId('execution-status')).toHaveText('Cancelled');
});
