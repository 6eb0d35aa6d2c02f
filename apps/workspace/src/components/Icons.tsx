/**
 * Inline SVG icons. Emoji would be shorter but render as empty boxes on machines without an
 * emoji font (many Linux desktops, headless test browsers), and differ between platforms.
 */
const base = {
  width: 16,
  height: 16,
  viewBox: '0 0 24 24',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 2,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
  'aria-hidden': true,
} as const;

export const PaperclipIcon = () => (
  <svg {...base}>
    <path d="M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9" />
  </svg>
);

export const ClockIcon = ({ size = 12 }: { size?: number }) => (
  <svg {...base} width={size} height={size}>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 7v5l3 2" />
  </svg>
);

export const FileIcon = () => (
  <svg {...base} width={18} height={18}>
    <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" />
    <path d="M14 3v5h5" />
  </svg>
);

export const ChatIcon = () => (
  <svg {...base} width={40} height={40} strokeWidth={1.5}>
    <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z" />
  </svg>
);

export const InboxIcon = () => (
  <svg {...base} width={20} height={20}>
    <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z" />
  </svg>
);

export const QueueIcon = () => (
  <svg {...base} width={20} height={20}>
    <circle cx="9" cy="8" r="3.2" />
    <path d="M3 20c0-3.3 2.7-6 6-6s6 2.7 6 6" />
    <path d="M16 5.2a3.2 3.2 0 0 1 0 5.6M18 14.3c1.8.9 3 2.9 3 5.7" />
  </svg>
);

export const MailIcon = () => (
  <svg {...base} width={20} height={20}>
    <rect x="3" y="5" width="18" height="14" rx="2" />
    <path d="M3.5 6.5 12 13l8.5-6.5" />
  </svg>
);

export const GearIcon = () => (
  <svg {...base} width={20} height={20}>
    <circle cx="12" cy="12" r="3" />
    <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
  </svg>
);

export const BellIcon = ({ size = 18 }: { size?: number }) => (
  <svg {...base} width={size} height={size}>
    <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
    <path d="M10.3 21a1.9 1.9 0 0 0 3.4 0" />
  </svg>
);

export const TransferIcon = () => (
  <svg {...base} width={15} height={15}>
    <path d="M4 7h13l-3-3M20 17H7l3 3" />
  </svg>
);

export const StarIcon = ({ size = 12 }: { size?: number }) => (
  <svg {...base} width={size} height={size} fill="currentColor" stroke="none">
    <path d="M12 17.3 18.2 21l-1.6-7 5.4-4.7-7.1-.6L12 2 9.1 8.7 2 9.3l5.4 4.7-1.6 7z" />
  </svg>
);

export const ArrowUpIcon = () => (
  <svg {...base} width={14} height={14}>
    <path d="M12 19V5M6 11l6-6 6 6" />
  </svg>
);

export const ArrowDownIcon = () => (
  <svg {...base} width={14} height={14}>
    <path d="M12 5v14M6 13l6 6 6-6" />
  </svg>
);

export const TrashIcon = () => (
  <svg {...base} width={14} height={14}>
    <path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13" />
  </svg>
);

type SizeProps = { size?: number };

export const VideoIcon = ({ size = 16 }: SizeProps) => (
  <svg {...base} width={size} height={size}>
    <path d="M23 7l-7 5 7 5z" />
    <rect x="1" y="5" width="15" height="14" rx="2" />
  </svg>
);

export const VideoOffIcon = ({ size = 16 }: SizeProps) => (
  <svg {...base} width={size} height={size}>
    <path d="M16 16v1a2 2 0 0 1-2 2H3a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2h2m5.7 0H14a2 2 0 0 1 2 2v3.3l1 1L23 7v10" />
    <path d="M1 1l22 22" />
  </svg>
);

const PHONE =
  'M22 16.9v3a2 2 0 0 1-2.2 2 19.8 19.8 0 0 1-8.6-3.1 19.5 19.5 0 0 1-6-6 19.8 19.8 0 0 1-3.1-8.7A2 2 0 0 1 4.1 2h3a2 2 0 0 1 2 1.7c.1 1 .4 1.9.7 2.8a2 2 0 0 1-.5 2.1L8.1 9.9a16 16 0 0 0 6 6l1.3-1.3a2 2 0 0 1 2.1-.4c.9.3 1.8.6 2.8.7a2 2 0 0 1 1.7 2z';

export const PhoneIcon = ({ size = 16 }: SizeProps) => (
  <svg {...base} width={size} height={size}>
    <path d={PHONE} />
  </svg>
);

/** The receiver turned down: hang up / decline. */
export const HangupIcon = ({ size = 16 }: SizeProps) => (
  <svg {...base} width={size} height={size}>
    <path d={PHONE} transform="rotate(135 12 12)" />
  </svg>
);

export const MicIcon = ({ size = 16 }: SizeProps) => (
  <svg {...base} width={size} height={size}>
    <path d="M12 2a3 3 0 0 0-3 3v7a3 3 0 0 0 6 0V5a3 3 0 0 0-3-3z" />
    <path d="M19 10v2a7 7 0 0 1-14 0v-2M12 19v3M8 22h8" />
  </svg>
);

export const MicOffIcon = ({ size = 16 }: SizeProps) => (
  <svg {...base} width={size} height={size}>
    <path d="M1 1l22 22M9 9v3a3 3 0 0 0 5.1 2.1M15 9.3V5a3 3 0 0 0-5.9-.6" />
    <path d="M17 17a7 7 0 0 1-12-5v-2M19 10v2c0 .4 0 .8-.1 1.2M12 19v3M8 22h8" />
  </svg>
);
