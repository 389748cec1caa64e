/**
 * Benign example conversations, written for this project (no real chat text). Every detector
 * ships them; the contract suite checks that no detector alerts on them, and docs and demos use
 * them. They are deliberately hard look-alikes: each contains words a naive filter would flag.
 */
import type { ExampleConversation } from './types.js';

export const GROOMING_BENIGN_EXAMPLES: readonly ExampleConversation[] = [
  {
    id: 'parent-home-alone',
    description: 'A parent checks whether their child got home and is alone before a late shift.',
    participants: [{ id: 'parent', age: 41 }, { id: 'kid', age: 11 }],
    messages: [
      { from: 'parent', text: 'Hi sweetie, did you get home from school ok?' },
      { from: 'kid', text: 'yes mum, just got in' },
      { from: 'parent', text: 'Are you home alone? Dad is stuck at work until 7' },
      { from: 'kid', text: 'yeah alone, its fine' },
      { from: 'parent', text: 'Lock the door and do not open it for anyone. Pasta is in the fridge' },
      { from: 'kid', text: 'ok mum love you' },
    ],
  },
  {
    id: 'coach-team-parents-cc',
    description: 'A coach messages the team group; parents are included in the group.',
    participants: [{ id: 'coach', age: 38 }, { id: 'p1', age: 13 }, { id: 'p2', age: 14 }, { id: 'mum1', age: 44 }],
    messages: [
      { from: 'coach', text: 'Hi team, parents are cc’d on this thread as always.' },
      { from: 'coach', text: 'Training moved to Thursday 5pm. Please send a photo of your signed permission slip.' },
      { from: 'mum1', text: 'Thanks coach, will do tonight.' },
      { from: 'p1', text: 'can we meet at the field at 4:45?' },
      { from: 'coach', text: 'Yes, meet at the main gate, I will be there with the kit.' },
    ],
  },
  {
    id: 'teens-flirting-same-age',
    description: 'Two 14-year-olds from the same class flirt and swap Snapchat.',
    participants: [{ id: 'a', age: 14 }, { id: 'b', age: 14 }],
    messages: [
      { from: 'a', text: 'ur actually so funny in science lol' },
      { from: 'b', text: 'haha ur cute when u laugh' },
      { from: 'a', text: 'omg stop. do u have snap' },
      { from: 'b', text: 'yeah add me its the same as my username' },
      { from: 'a', text: 'added! see u tmrw' },
    ],
  },
  {
    id: 'gamers-swap-discord',
    description: 'Two adult players swap Discord handles to organise a raid.',
    participants: [{ id: 'p', age: 27 }, { id: 'q', age: 31 }],
    messages: [
      { from: 'p', text: 'gg, that last round was wild' },
      { from: 'q', text: 'we need a 4th for the raid tonight' },
      { from: 'p', text: 'add me on discord, raidlead#4821' },
      { from: 'q', text: 'sent the request. voice chat at 9?' },
      { from: 'p', text: 'works for me' },
    ],
  },
  {
    id: 'grandma-gift-card',
    description: 'A grandparent sends a birthday gift card.',
    participants: [{ id: 'gran', age: 70 }, { id: 'kid', age: 12 }],
    messages: [
      { from: 'gran', text: 'Happy birthday my darling! I sent you a gift card for your games.' },
      { from: 'kid', text: 'thank you grandma!! I will buy the new skins' },
      { from: 'gran', text: 'Grandpa says happy birthday too. Send us a photo of the cake!' },
      { from: 'kid', text: 'ok grandma love you' },
    ],
  },
  {
    id: 'tia-es-tarjeta',
    description: 'Una tía envía una tarjeta regalo a su sobrina (Spanish).',
    participants: [{ id: 'tia', age: 39 }, { id: 'sobrina', age: 13 }],
    messages: [
      { from: 'tia', text: 'Hola cariño, soy tu tía Marta. Te mandé una tarjeta regalo por tu cumple.' },
      { from: 'sobrina', text: 'gracias tia!! te quiero' },
      { from: 'tia', text: '¿Estás sola en casa? Dile a tu mamá que la llamo luego.' },
      { from: 'sobrina', text: 'si tia, mama llega a las 6' },
    ],
  },
  {
    id: 'vater-de-abholen',
    description: 'Ein Vater holt sein Kind vom Training ab (German).',
    participants: [{ id: 'papa', age: 45 }, { id: 'kind', age: 12 }],
    messages: [
      { from: 'papa', text: 'Hallo, ich hole dich um sechs vom Training ab.' },
      { from: 'kind', text: 'ok papa' },
      { from: 'papa', text: 'Bist du allein oder ist Jonas noch da?' },
      { from: 'kind', text: 'jonas ist noch da. bis später papa' },
    ],
  },
];
