export { mailStore, type MailStore } from './mail.store';
export { createMailer, type Mailer, type MailMessage } from './mailer';
export { mailRoutes } from './mail.routes';
