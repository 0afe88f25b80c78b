import type { SimulatorDefinition } from '../registry';
import { startAlertWebhook } from './server';

/** Where the sandbox's deal alerts go: a local receiver listing what it got at `GET /`. */
export const alertWebhookSimulatorDefinition: SimulatorDefinition = {
  name: 'alert-webhook',
  portOffset: 5,
  urlSettings: ['ALERT_WEBHOOK_URL'],
  start: startAlertWebhook,
};
