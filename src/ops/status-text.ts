import type { DestinationOutcome, DigestOutcome, FeedOutcome } from './status-report.js';

/**
 * The last outcomes of the status report in plain words, pure, shared by `sancocho status` and
 * `/status`. The medium decides how a time is written (`when`: "5m ago", or a Discord timestamp)
 * and how text from outside (error messages, Discord's reasons) is made safe to show (`quote`).
 */

export interface Medium {
  when: (at: number) => string;
  quote: (text: string) => string;
}

export function feedOutcomeText(last: FeedOutcome, { when, quote }: Medium): string {
  switch (last.kind) {
    case 'never':
      return 'not polled yet';
    case 'ok':
      return `ok${last.http === null ? '' : ` (${last.http})`} ${when(last.at)}`;
    case 'error':
      return `${last.errorKind}${last.consecutive > 1 ? ` ×${last.consecutive}` : ''} ${when(last.at)}: ${quote(last.message)}`;
  }
}

export function digestOutcomeText(last: DigestOutcome, { when, quote }: Medium): string {
  switch (last.kind) {
    case 'never':
      return 'none yet';
    case 'sent':
      return `sent ${when(last.at)}: ${last.parts} ${last.parts === 1 ? 'message' : 'messages'}, ${last.stories} ${last.stories === 1 ? 'story' : 'stories'}`;
    case 'empty':
      return `no stories in its window ${when(last.at)}; nothing sent`;
    case 'pending':
      return `${last.sentParts} of ${last.parts} messages sent, the rest waiting to be retried${last.error ? `: ${quote(last.error)}` : ''}`;
    case 'failed':
      return `failed ${when(last.at)}: ${quote(last.error ?? 'unknown error')}`;
  }
}

export function destinationOutcomeText(last: DestinationOutcome, { when, quote }: Medium): string {
  switch (last.kind) {
    case 'never':
      return 'nothing sent yet';
    case 'ok':
      return `ok, last message accepted ${when(last.at)}`;
    case 'refused':
      return `REFUSED ${when(last.at)}: ${quote(last.reason)}`;
  }
}
